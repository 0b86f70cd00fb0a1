/**
 * The security headers of every page and API response, set by the proxy.
 * Pages get a Content-Security-Policy with a fresh nonce per request (Next.js
 * reads it from the request's CSP header and puts it on its own scripts);
 * API responses, which are never rendered, get a policy that allows nothing.
 */

export interface SecurityHeaderOptions {
  /** The per-request nonce of a page; absent for API responses. */
  nonce?: string;
  /** HSTS only when the request came over HTTPS (directly or through a proxy that says so). */
  https: boolean;
  /** `next dev` needs `eval` for React's debugging aids; production never does. */
  development?: boolean;
}

export function newNonce(): string {
  return Buffer.from(crypto.randomUUID()).toString("base64");
}

export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  if (!options.nonce)
    return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  const nonce = `'nonce-${options.nonce}'`;
  return [
    "default-src 'self'",
    `script-src 'self' ${nonce} 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    // Elements need the nonce; style attributes (charts, widths of bars) cannot carry one.
    `style-src 'self' ${nonce}`,
    `style-src-elem 'self' ${nonce}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(options.https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/** Whether the client reached us over HTTPS: the URL's scheme, or a TLS-terminating proxy's header. */
export function isHttps(url: URL, forwardedProto: string | null): boolean {
  const proto = forwardedProto?.split(",")[0]?.trim().toLowerCase();
  return proto ? proto === "https" : url.protocol === "https:";
}
