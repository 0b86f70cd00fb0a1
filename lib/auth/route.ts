import "server-only";
import { getDb } from "@/db";
import { errorResponse } from "@/lib/errors";
import { type ApiKeyPrincipal, authenticateApiKey } from "./api-keys";
import { requireScope, type UserPrincipal } from "./guards";
import type { Scope } from "./scopes";

export type Principal = UserPrincipal | ApiKeyPrincipal;

/**
 * Route handlers in a fixed order: authenticate (401) -> authorise (403) -> work.
 * With `apiKeys`, a request carrying `Authorization: Bearer` is checked as an
 * API key; otherwise the session is. Any error becomes JSON a person can act on.
 */
export function withScope<Ctx, P extends Principal = UserPrincipal>(
  scope: Scope,
  handler: (request: Request, principal: P, ctx: Ctx) => Promise<Response>,
  options: { apiKeys?: boolean } = {},
) {
  return async (request: Request, ctx: Ctx): Promise<Response> => {
    try {
      const authorization = request.headers.get("authorization");
      const principal =
        options.apiKeys && authorization
          ? await authenticateApiKey(await getDb(), authorization, scope)
          : await requireScope(scope);
      return await handler(request, principal as P, ctx);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
