import { z } from "zod";
import type { UserPrincipal } from "@/lib/auth/guards";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { releaseClaim } from "@/lib/review/claims";

const actionId = z.uuid("This action id is not valid.");

/**
 * POST /api/v1/actions/{id}/release: gives the signed-in reviewer's claim on an
 * action back when they leave it (sent with `keepalive` as the page goes away).
 * Only the caller's own claim is released; anyone else's is left alone.
 */
export const releaseClaimRoute = defineRoute<UserPrincipal>(
  { scope: "actions:review" },
  async ({ params, principal, db }) => {
    const id = actionId.safeParse(params.id);
    if (!id.success) throw new AppError("bad_request:action", id.error.issues[0]?.message ?? "Check the id.");
    return Response.json({ released: await releaseClaim(db, id.data, principal.id) });
  },
);
