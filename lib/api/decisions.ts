import type { UserPrincipal } from "@/lib/auth/guards";
import { AppError } from "@/lib/errors";
import { defineRoute, type RouteDeps } from "@/lib/http/route";
import { type DecisionOutcome, decideAction } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";

/** The jobs a committed decision implies: its delivery after the undo window, and a redraft with guidance. */
export interface DecisionFollowUp {
  outboxId: string | null;
  releaseAt: Date | null;
  redraft: { ticketId: string; guidance: string; triggeredBy: string } | null;
}

export interface DecisionRouteDeps extends RouteDeps {
  queueAfterDecision: (work: DecisionFollowUp) => Promise<void>;
}

function followUpOf(
  outcome: DecisionOutcome,
  guidance: string | undefined,
  userId: string,
): DecisionFollowUp {
  return {
    outboxId: outcome.outboxId,
    releaseAt: outcome.releaseAt,
    redraft: guidance ? { ticketId: outcome.ticketId, guidance, triggeredBy: userId } : null,
  };
}

/**
 * POST /api/v1/actions/{id}/decision: the review screen's decision (approve, edit, escalate or
 * reject) for a signed-in reviewer, with the same checks as the screen. 409 when someone else
 * decided first or the action changed (send the version you saw).
 */
export const decisionRoute = defineRoute<UserPrincipal, DecisionRouteDeps>(
  { scope: "actions:review" },
  async ({ body, params, principal, db }, deps) => {
    const raw = await body();
    const parsed = decisionSchema.safeParse(
      raw && typeof raw === "object" ? { ...raw, actionId: params.id } : raw,
    );
    if (!parsed.success) {
      throw new AppError("bad_request:review", parsed.error.issues[0]?.message ?? "Check the decision.", {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      });
    }
    const outcome = await decideAction(db, principal, parsed.data);
    const guidance = parsed.data.decision === "reject" ? parsed.data.redraftGuidance : undefined;
    let queued = true;
    // The decision is committed: a queue failure must not read as if it were lost (the outbox sweep sends it).
    try {
      await deps.queueAfterDecision(followUpOf(outcome, guidance, principal.id));
    } catch (error) {
      console.error("after a decision:", error instanceof Error ? error.message : error);
      queued = false;
    }
    return Response.json({
      reviewId: outcome.reviewId,
      actionStatus: outcome.actionStatus,
      ticketId: outcome.ticketId,
      ticketStatus: outcome.ticketStatus,
      releaseAt: outcome.releaseAt?.toISOString() ?? null,
      queued,
    });
  },
);
