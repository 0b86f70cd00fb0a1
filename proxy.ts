import { type NextRequest, NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";
import { authSecret } from "@/lib/env";
import { isHttps, newNonce, securityHeaders } from "@/lib/security/headers";

/** Paths that answer anonymous callers themselves (sign-in, and the APIs, which answer 401 JSON). */
/** Next.js's own limit for server-action bodies (next.config.ts may raise it; keep the two equal). */
const SERVER_ACTION_BODY_LIMIT = 1_000_000;

const PUBLIC = /^\/(?:login|api)(?:\/|$)/;

/**
 * Sets the security headers of every page and API response (a fresh CSP nonce
 * per page request) and redirects anonymous visitors to sign-in. The redirect
 * is not a security boundary: every action and route handler checks the
 * caller's scope itself. It only reads the session token (never rewrites the
 * cookie, which would undo a sign-out).
 */
export default async function proxy(request: NextRequest) {
  const refused = refuseMalformed(request);
  if (refused) return refused;
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

/**
 * Answers requests Next.js would otherwise fail on with a 500: a path that is
 * not valid percent-encoded UTF-8 (400), and a server-action body over its
 * limit (413, as `text/plain`, which the action's caller shows as the error).
 */
function refuseMalformed(request: NextRequest): NextResponse | null {
  try {
    decodeURIComponent(request.nextUrl.pathname);
  } catch {
    return NextResponse.json(
      {
        error: {
          code: "bad_request:path",
          message: "This address is not valid (bad percent-encoding). Check the link.",
        },
      },
      { status: 400 },
    );
  }
  const size = Number(request.headers.get("content-length"));
  if (request.headers.has("next-action") && Number.isFinite(size) && size > SERVER_ACTION_BODY_LIMIT) {
    return new NextResponse(
      `This form sends ${(size / 1_000_000).toFixed(1)} MB, over the limit of 1 MB (413). Shorten the text or send less at once, then try again.`,
      { status: 413, headers: { "content-type": "text/plain" } },
    );
  }
  return null;
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
