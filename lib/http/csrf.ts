import { AppError } from "@/lib/errors";
import { isJsonContentType, unsupportedMediaType } from "./body";

/**
 * Cross-site request forgery, refused for state-changing requests that ride
 * on the session cookie: they must declare JSON (a form or `text/plain` is a
 * "simple" request a foreign page can send without a preflight) and come from
 * this origin. Requests with an API key carry no ambient credential and are
 * not checked.
 */

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isStateChanging(method: string): boolean {
  return STATE_CHANGING.has(method.toUpperCase());
}

/** The origin the browser used: the Host header (or the proxy's X-Forwarded-Host) with the URL's scheme. */
export function expectedHost(request: Request): string {
  return (
    request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ||
    request.headers.get("host") ||
    new URL(request.url).host
  ).toLowerCase();
}

export function checkCsrf(request: Request): void {
  if (!isStateChanging(request.method)) return;
  const type = request.headers.get("content-type");
  if (!isJsonContentType(type)) throw unsupportedMediaType(type);
  const origin = request.headers.get("origin");
  let host: string | null = null;
  try {
    host = origin && origin !== "null" ? new URL(origin).host.toLowerCase() : null;
  } catch {
    host = null;
  }
  if (!host || host !== expectedHost(request)) {
    throw new AppError(
      "forbidden:origin",
      "This request did not come from this site (its Origin header is missing or foreign), so it was refused. Use the app, or call the API with an API key.",
    );
  }
}
