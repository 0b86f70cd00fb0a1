import { z } from "zod";
import type { UserPrincipal } from "@/lib/auth/guards";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { loadSecondReview } from "@/lib/review/second-review";

/**
 * GET /api/v1/second-reviews/{id}: what the blind second reviewer sees (the
 * ticket and the agent's proposal, nothing of the first decision), for a
 * signed-in reviewer who did not make the first decision.
 */
export const secondReviewRoute = defineRoute<UserPrincipal>(
  { scope: "actions:review" },
  async ({ params, db, principal }) => {
    const id = z.uuid().safeParse(params.id);
    if (!id.success) throw new AppError("bad_request:review", "This second review id is not valid.");
    return Response.json(await loadSecondReview(db, id.data, principal), {
      headers: { "cache-control": "no-store" },
    });
  },
);
