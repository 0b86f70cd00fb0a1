import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { baseAuthConfig } from "@/lib/auth/config";

// Redirects anonymous visitors to sign-in. Not a security boundary: every
// action and route handler checks the caller's scope itself.
const { auth } = NextAuth(() => baseAuthConfig());

export default auth((request) => {
  if (request.auth?.user) return NextResponse.next();
  const url = new URL("/login", request.nextUrl);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") url.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(url);
});

export const config = {
  // Everything but sign-in, the APIs (they answer 401 JSON themselves) and static files.
  matcher: ["/((?!login|api|_next/static|_next/image|favicon.ico).*)"],
};
