import { type NextRequest, NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";
import { authSecret } from "@/lib/env";

/**
 * Redirects anonymous visitors to sign-in. Not a security boundary: every
 * action and route handler checks the caller's scope itself. It only reads the
 * session token (never rewrites the cookie, which would undo a sign-out).
 */
export default async function proxy(request: NextRequest) {
  const token = await getToken({
    req: request,
    secret: authSecret(),
    secureCookie: request.nextUrl.protocol === "https:",
  });
  if (token?.sub) return NextResponse.next();
  const url = new URL("/login", request.nextUrl);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") url.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but sign-in, the APIs (they answer 401 JSON themselves) and static files.
  matcher: ["/((?!login|api|_next/static|_next/image|favicon.ico).*)"],
};
