import { type NextRequest, NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";
import { authSecret } from "@/lib/env";
import { isHttps, newNonce, securityHeaders } from "@/lib/security/headers";

/** Paths that answer anonymous callers themselves (sign-in, and the APIs, which answer 401 JSON). */
const PUBLIC = /^\/(?:login|api)(?:\/|$)/;

/**
 * Sets the security headers of every page and API response (a fresh CSP nonce
 * per page request) and redirects anonymous visitors to sign-in. The redirect
 * is not a security boundary: every action and route handler checks the
 * caller's scope itself. It only reads the session token (never rewrites the
 * cookie, which would undo a sign-out).
 */
export default async function proxy(request: NextRequest) {
  const https = isHttps(request.nextUrl, request.headers.get("x-forwarded-proto"));
  const api = request.nextUrl.pathname.startsWith("/api/");
  const nonce = api ? undefined : newNonce();
  const headers = securityHeaders({ nonce, https, development: process.env.NODE_ENV === "development" });
  const response = PUBLIC.test(request.nextUrl.pathname)
    ? pass(request, headers)
    : await pageResponse(request, headers);
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** Next.js reads the nonce from the request's CSP header while rendering. */
function pass(request: NextRequest, headers: Record<string, string>): NextResponse {
  const requestHeaders = new Headers(request.headers);
  const csp = headers["Content-Security-Policy"];
  if (csp) requestHeaders.set("Content-Security-Policy", csp);
  return NextResponse.next({ request: { headers: requestHeaders } });
}

async function pageResponse(request: NextRequest, headers: Record<string, string>): Promise<NextResponse> {
  const token = await getToken({
    req: request,
    secret: authSecret(),
    secureCookie: request.nextUrl.protocol === "https:",
  });
  if (token?.sub) return pass(request, headers);
  const url = new URL("/login", request.nextUrl);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") url.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but static files, so every page and API response carries the headers.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
