import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { auditInsert } from "@/db/queries/audit";
import { agentActions, agentRuns, outbox, reviews, type TicketStatus, tickets } from "@/db/schema";
import { ticketStatusOfRunSql } from "@/lib/agent/transitions";
import { UNDO_WINDOW_MS } from "@/lib/delivery/undo-window";
import { AppError } from "@/lib/errors";
import type { Reviewer } from "./decide";

export interface UndoOutcome {
  actionId: string;
  ticketId: string;
  ticketStatus: TicketStatus;
}

function tooLate(): never {
  throw new AppError(
    "conflict:undo",
    "Too late to undo: the undo window has closed and the decision stands. Its message is being sent, or was.",
  );
}

/**
 * Takes back the reviewer's own decision inside its undo window: the review is
 * removed, the action waits for review again (with a new version) and its
 * outbox message is deleted before it was released, so it is never sent. The
 * outbox delete is the gate: it only matches a row that is still held, so a
 * message that delivery has claimed cannot be undone.
 */
export async function undoDecision(db: Db, reviewer: Reviewer, reviewId: string): Promise<UndoOutcome> {
  return db.transaction(async (tx) => {
    const [review] = await tx
      .select({
        id: reviews.id,
        actionId: reviews.actionId,
        ticketId: reviews.ticketId,
        runId: reviews.runId,
        reviewerId: reviews.reviewerId,
        decision: reviews.decision,
        createdAt: reviews.createdAt,
      })
      .from(reviews)
      .where(eq(reviews.id, reviewId))
      .for("update");
    if (!review)
      throw new AppError(
        "not_found:review",
        "This decision does not exist any more (it may already be undone).",
      );
    if (review.reviewerId !== reviewer.id) {
      throw new AppError("forbidden:undo", "Only the reviewer who made a decision can undo it.");
    }
    if (Date.now() - review.createdAt.getTime() > UNDO_WINDOW_MS + 1_000) tooLate();
    const [later] = await tx
      .select({ id: agentRuns.id })
      .from(agentRuns)
      .where(and(eq(agentRuns.ticketId, review.ticketId), gt(agentRuns.startedAt, review.createdAt)))
      .limit(1);
    if (later) {
      throw new AppError(
        "conflict:undo",
        "The agent has already drafted this ticket again after your decision: decide on the new draft instead.",
      );
    }
    const [message] = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.actionId, review.actionId));
    if (message) {
      const held = await tx
        .delete(outbox)
        .where(
          and(
            eq(outbox.id, message.id),
            eq(outbox.status, "pending"),
            eq(outbox.attempts, 0),
            // Never a row a delivery has claimed (it may be mid-send).
            isNull(outbox.claimedUntil),
            gt(outbox.releaseAt, sql`now()`),
          ),
        )
        .returning({ id: outbox.id });
      if (held.length === 0) tooLate();
    }
    await tx.delete(reviews).where(eq(reviews.id, review.id));
    await tx
      .update(agentActions)
      .set({ status: "pending_review", version: sql`${agentActions.version} + 1`, decidedAt: null })
      .where(eq(agentActions.id, review.actionId));
    const [settled] = await tx
      .update(tickets)
      .set({ status: ticketStatusOfRunSql(review.runId, review.ticketId), updatedAt: new Date() })
      .where(eq(tickets.id, review.ticketId))
      .returning({ status: tickets.status });
    await auditInsert(tx, {
      actorId: reviewer.id,
      actorType: "user",
      action: "review.undo",
      entityType: "agent_action",
      entityId: review.actionId,
      data: {
        ticketId: review.ticketId,
        reviewId: review.id,
        decision: review.decision,
        outboxId: message?.id ?? null,
      },
    });
    if (!settled) throw new Error(`ticket ${review.ticketId} vanished during the undo`);
    return { actionId: review.actionId, ticketId: review.ticketId, ticketStatus: settled.status };
  });
}
