import type { Db } from "@/db";
import { type ApiKeyPrincipal, authenticateApiKey } from "@/lib/auth/api-keys";
import type { UserPrincipal } from "@/lib/auth/guards";
import { roleHasScope, type Scope } from "@/lib/auth/scopes";
import { AppError, errorResponse } from "@/lib/errors";
import { readJsonBody, refuseNul } from "./body";
import { checkCsrf } from "./csrf";
import { checkQuery } from "./query";

/**
 * The one HTTP layer of every route handler, free of Next.js so tests call a
 * route with a plain `Request` and dependencies of their own. In order:
 * authenticate (401), authorise (403), CSRF for cookie sessions (415/403),
 * the query string (400), then the route's work, which reads its body with
 * `input.body()`. Any error becomes `{"error":{"code","message",...}}`.
 */

export type Principal = UserPrincipal | ApiKeyPrincipal;

export interface RouteDeps {
  db: () => Promise<Db>;
  /** The signed-in user of this request, re-read from the database; null when there is none. */
  user: () => Promise<UserPrincipal | null>;
}

export interface RouteInput<P extends Principal> {
  request: Request;
  url: URL;
  principal: P;
  params: Record<string, string>;
  db: Db;
  /** The JSON body (415, 413, 400 as lib/http/body.ts says); validate it with the route's schema. */
  body(maxBytes?: number): Promise<unknown>;
}

export interface RouteSpec {
  scope: Scope;
  /** Accept `Authorization: Bearer <key>` with the scope as well as a session. */
  apiKeys?: boolean;
}

export type RouteContext = { params?: Promise<Record<string, string | string[]>> };

export type Route = (request: Request, ctx?: RouteContext) => Promise<Response>;

export function defineRoute<P extends Principal = UserPrincipal, D extends RouteDeps = RouteDeps>(
  spec: RouteSpec,
  work: (input: RouteInput<P>, deps: D) => Promise<Response>,
): (deps: D) => Route {
  return (deps) => async (request, ctx) => {
    try {
      const authorization = spec.apiKeys ? request.headers.get("authorization") : null;
      const db = await deps.db();
      const principal = authorization
        ? await authenticateApiKey(db, authorization, spec.scope)
        : await userWithScope(deps, spec.scope);
      // Checked before any work, after the (side-effect free) scope check.
      if (!authorization) checkCsrf(request);
      const url = new URL(request.url);
      checkQuery(url);
      const params = Object.fromEntries(
        Object.entries((await ctx?.params) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]),
      );
      return await work(
        { request, url, principal: principal as P, params, db, body: (max) => readRouteBody(request, max) },
        deps,
      );
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

async function userWithScope(deps: RouteDeps, scope: Scope): Promise<UserPrincipal> {
  const user = await deps.user();
  if (!user) throw new AppError("unauthorized:auth", "You are not signed in. Sign in and try again.");
  if (!roleHasScope(user.role, scope)) {
    throw new AppError(
      "forbidden:auth",
      `Your role (${user.role}) does not allow this. Ask an admin for access.`,
    );
  }
  return user;
}

async function readRouteBody(request: Request, maxBytes?: number): Promise<unknown> {
  const value = await readJsonBody(request, maxBytes);
  refuseNul(value);
  return value;
}

/** An error as JSON, with `Retry-After` when the error says how long to wait. */
export function toErrorResponse(error: unknown): Response {
  const response = errorResponse(error);
  if (error instanceof AppError && typeof error.details?.retryAfterSeconds === "number") {
    response.headers.set("Retry-After", String(error.details.retryAfterSeconds));
  }
  return response;
}
