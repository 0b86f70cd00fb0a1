import "server-only";
import { errorResponse } from "@/lib/errors";
import { requireScope, type UserPrincipal } from "./guards";
import type { Scope } from "./scopes";

/**
 * Route handlers in a fixed order: authenticate (401) -> authorise (403) -> work.
 * Any error becomes JSON with a message a person can act on.
 */
export function withScope<Ctx>(
  scope: Scope,
  handler: (request: Request, principal: UserPrincipal, ctx: Ctx) => Promise<Response>,
) {
  return async (request: Request, ctx: Ctx): Promise<Response> => {
    try {
      const principal = await requireScope(scope);
      return await handler(request, principal, ctx);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
