import { and, asc, eq, isNull, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { recordAudit } from "@/db/queries/audit";
import { type ActionKind, agentActions, DECISIONS, type Decision, secondReviews, tickets } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { actionText } from "./decide";
import { LIMITS, REASON_TAGS } from "./schema";

/**
 * Blind second reviews (reviewer agreement). A sampled decision (see
 * second-review-sample.ts) is offered to every reviewer but the one who made
 * it. What they are shown is built here and holds nothing of the first
 * decision: not the decision, its reviewer, its reasons, its edit, nor the
 * action's status after it. Their judgement is stored on the second review
 * only: it never changes the action or the ticket, and never reaches the outbox.
 */

export interface SecondReviewItem {
  id: string;
  ticketId: string;
  subject: string;
  actionKind: ActionKind;
  intent: string | null;
  createdAt: string;
}

/** What the second reviewer sees: the ticket and the agent's proposal, as the first reviewer found them. */
export interface BlindReview {
  id: string;
  ticket: {
    id: string;
    externalId: string;
    subject: string;
    body: string;
    fromEmail: string;
    triageIntent: string | null;
    triageCategory: string | null;
  };
  proposal: { kind: ActionKind; text: string; team: string | null };
  /** The viewer's own second judgement, once made. */
  judgement: { decision: Decision; reasonTags: string[]; comment: string | null } | null;
}

export const secondReviewInput = z.object({
  id: z.uuid("This second review id is not valid."),
  decision: z.enum(DECISIONS, "Choose what you would have decided: approve, edit, escalate or reject."),
  reasonTags: z.array(z.enum(REASON_TAGS, "Pick reasons from the list.")).max(REASON_TAGS.length).default([]),
  comment: z
    .string()
    .trim()
    .max(LIMITS.comment, `The comment is too long: keep it under ${LIMITS.comment} characters.`)
    .optional(),
});
export type SecondReviewInput = z.infer<typeof secondReviewInput>;

/** Not the viewer's own decision: a null first reviewer (a removed account) is anyone's. */
const offeredTo = (viewerId: string) =>
  or(isNull(secondReviews.firstReviewerId), ne(secondReviews.firstReviewerId, viewerId));

/** Second reviews waiting for a judgement that this viewer may give, oldest first. */
export async function listSecondReviews(
  db: Db,
  viewer: { id: string },
  limit = 25,
): Promise<SecondReviewItem[]> {
  const rows = await db
    .select({
      id: secondReviews.id,
      ticketId: secondReviews.ticketId,
      subject: tickets.subject,
      actionKind: agentActions.kind,
      intent: tickets.triageIntent,
      createdAt: secondReviews.createdAt,
    })
    .from(secondReviews)
    .innerJoin(tickets, eq(tickets.id, secondReviews.ticketId))
    .innerJoin(agentActions, eq(agentActions.id, secondReviews.actionId))
    .where(and(isNull(secondReviews.decidedAt), offeredTo(viewer.id)))
    .orderBy(asc(secondReviews.createdAt), asc(secondReviews.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/** The pending second review of a ticket that this viewer may give, if any (the ticket page defers to it). */
export async function pendingSecondReviewOf(db: Db, ticketId: string, viewer: { id: string }) {
  const [row] = await db
    .select({ id: secondReviews.id })
    .from(secondReviews)
    .where(and(eq(secondReviews.ticketId, ticketId), isNull(secondReviews.decidedAt), offeredTo(viewer.id)))
    .limit(1);
  return row?.id ?? null;
}

/** The blind view of one second review; refused to the first reviewer and to anyone but its second reviewer once given. */
export async function loadSecondReview(db: Db, id: string, viewer: { id: string }): Promise<BlindReview> {
  const [row] = await db
    .select({
      id: secondReviews.id,
      firstReviewerId: secondReviews.firstReviewerId,
      reviewerId: secondReviews.reviewerId,
      decision: secondReviews.decision,
      reasonTags: secondReviews.reasonTags,
      comment: secondReviews.comment,
      action: { kind: agentActions.kind, payload: agentActions.payload },
      ticket: {
        id: tickets.id,
        externalId: tickets.externalId,
        subject: tickets.subject,
        body: tickets.body,
        fromEmail: tickets.fromEmail,
        triageIntent: tickets.triageIntent,
        triageCategory: tickets.triageCategory,
      },
    })
    .from(secondReviews)
    .innerJoin(agentActions, eq(agentActions.id, secondReviews.actionId))
    .innerJoin(tickets, eq(tickets.id, secondReviews.ticketId))
    .where(eq(secondReviews.id, id));
  if (!row)
    throw new AppError(
      "not_found:review",
      "This second review does not exist (its ticket may have been removed).",
    );
  if (row.firstReviewerId === viewer.id) {
    throw new AppError(
      "forbidden:review",
      "You made the first decision on this action: another reviewer gives the second one.",
    );
  }
  if (row.decision && row.reviewerId !== viewer.id) {
    throw new AppError(
      "conflict:review",
      "Another reviewer already gave this second review. Pick another one from the queue.",
    );
  }
  const team = row.action.payload.team;
  return {
    id: row.id,
    ticket: row.ticket,
    proposal: {
      kind: row.action.kind,
      text: actionText(row.action),
      team: typeof team === "string" ? team : null,
    },
    judgement: row.decision
      ? { decision: row.decision, reasonTags: row.reasonTags, comment: row.comment }
      : null,
  };
}

/** Stores a second judgement: one per sampled action, never by its first reviewer; nothing is sent. */
export async function decideSecondReview(db: Db, viewer: { id: string }, input: SecondReviewInput) {
  return db.transaction(async (tx) => {
    const [saved] = await tx
      .update(secondReviews)
      .set({
        reviewerId: viewer.id,
        decision: input.decision,
        reasonTags: input.reasonTags,
        comment: input.comment || null,
        decidedAt: sql`now()`,
      })
      .where(and(eq(secondReviews.id, input.id), isNull(secondReviews.decidedAt), offeredTo(viewer.id)))
      .returning({
        id: secondReviews.id,
        actionId: secondReviews.actionId,
        ticketId: secondReviews.ticketId,
      });
    if (!saved) {
      // Says why: the same checks as the blind view, in the same words.
      await loadSecondReview(tx as unknown as Db, input.id, viewer);
      throw new AppError(
        "conflict:review",
        "This second review was already given. Pick another one from the queue.",
      );
    }
    await recordAudit(tx, {
      actorId: viewer.id,
      actorType: "user",
      action: "second_review.decided",
      entityType: "agent_action",
      entityId: saved.actionId,
      data: { ticketId: saved.ticketId, secondReviewId: saved.id, decision: input.decision },
    });
    return saved;
  });
}
