import type { UserPrincipal } from "@/lib/auth/guards";
import { ROLE_SCOPES } from "@/lib/auth/scopes";
import type { Route } from "@/lib/http/route";

/** Route handlers (lib/http/route.ts) called directly, with a plain Request and a caller of the test's own. */

/** The caller a signed-in user is to a route: the user's row with the scopes of its role. */
export function userPrincipal(user: Pick<UserPrincipal, "id" | "email" | "name" | "role">): UserPrincipal {
  return {
    kind: "user",
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    scopes: ROLE_SCOPES[user.role],
  };
}

export interface RouteRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as it is: a test may send bytes that are not UTF-8. */
  body?: string | Uint8Array;
  /** The dynamic segments of the path, as Next.js passes them. */
  params?: Record<string, string>;
}

/** One request to a route handler at `url`. */
export function callRoute(route: Route, url: string, request: RouteRequest = {}): Promise<Response> {
  const { params = {}, body, ...init } = request;
  return route(new Request(url, { ...init, body: body as unknown as BodyInit | undefined }), {
    params: Promise.resolve(params),
  });
}
