import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { auditInsert } from "@/db/queries/audit";
import { agentActions, reviews, secondReviews, type TicketStatus, tickets } from "@/db/schema";
import {
  ACTION_AFTER_DECISION,
  isUndecided,
  ticketStatusOfRunSql,
  UNDECIDED_ACTIONS,
} from "@/lib/agent/transitions";
import type { EscalationPayload } from "@/lib/agent/types";
import { judgeIfSampled } from "@/lib/autopilot/judge";
import { outboxInsert } from "@/lib/delivery/outbox";
import { releaseTimeFrom } from "@/lib/delivery/undo-window";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { tracingActive, withSpan } from "@/lib/telemetry/spans";
import { ticketTraceparentOfAction } from "@/lib/telemetry/stored-context";
import { type Decider, sourceOf } from "./decider";
import { explainConflict, readDecisionContext } from "./decision-context";
import { actionText, outboxMessage } from "./decision-message";
import { normalisedEditDistance, unifiedDiff } from "./edit-distance";
import { checkEscalationArguments } from "./escalation-arguments";
import { checkFollowUp } from "./follow-up";
import type { DecisionInput } from "./schema";
import { sampledForSecondReview } from "./second-review-sample";

export { AUTOPILOT, type Decider, type Reviewer, SLA_LIMIT } from "./decider";
/** Kept here for the callers that read a decision's text beside deciding it. */
export { actionText } from "./decision-message";

export interface DecisionOutcome {
  reviewId: string;
  actionStatus: string;
  ticketId: string;
  ticketStatus: TicketStatus;
  outboxId: string | null;
  /** When the outbox may send the decision's message: until then the decision can be undone. */
  releaseAt: Date | null;
}

type ActionRow = typeof agentActions.$inferSelect;

function refuse(message: string): never {
  throw new AppError("bad_request:review", message);
}

/** What the decision is allowed to be for this kind of action, checked in code whatever the client sent. */
function checkAllowed(action: ActionRow, input: DecisionInput) {
  if (input.decision === "edit" && action.kind !== "reply") refuse("Only reply drafts can be edited.");
  if (input.decision === "approve" || input.decision === "edit") {
    if (action.status === "blocked") {
      refuse(
        "A blocked action cannot be approved: the policy forbids it. Escalate it to a person who can act, or reject it.",
      );
    }
    if (action.kind === "refund") {
      refuse("Countersign never moves money: escalate the refund to the billing team, or reject it.");
    }
  }
}

/**
 * Starts every query before awaiting any, in argument order: on PostgreSQL they
 * share one round trip (postgres.js pipelines them on the transaction's
 * connection) and run in that order, so every transaction takes its row locks
 * in the same order.
 */
function sendInOrder<T extends { execute: () => Promise<unknown> }[]>(
  ...queries: T
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]["execute"]>> }> {
  return Promise.all(queries.map((query) => query.execute())) as never;
}

export interface DecisionOptions {
  /** The share of decisions opened again for a blind second reviewer (default SECOND_REVIEW_SHARE). */
  secondReviewShare?: number;
}

/**
 * Records one decision, a person's or the autopilot's. The review, the
 * action's new status, the ticket's status, the audit entry and (for approvals
 * and escalations) the outbox row commit in one transaction; the version check
 * makes sure exactly one of several concurrent decisions wins. A person's
 * verdict on an autopilot sample then re-judges its category.
 */
export async function decideAction(
  db: Db,
  decider: Decider,
  input: DecisionInput,
  options: DecisionOptions = {},
): Promise<DecisionOutcome> {
  // The decision joins its ticket's trace (from ingest on), linked to the request that made it.
  const traceparent = tracingActive() ? await ticketTraceparentOfAction(db, input.actionId) : null;
  const attributes = {
    "countersign.action.id": input.actionId,
    "countersign.review.decision": input.decision,
  };
  let autopilotSample = false;
  const outcome = await withSpan("countersign.review.decide", { attributes, traceparent }, async (span) => {
    const { sampled, ...decided } = await recordDecision(db, decider, input, options);
    autopilotSample = sampled;
    span.setAttributes({
      "countersign.ticket.id": decided.ticketId,
      "countersign.action.status": decided.actionStatus,
    });
    return decided;
  });
  // The context read said whether the action is an autopilot sample: only then is its category judged.
  if (autopilotSample && !("system" in decider)) await judgeIfSampled(db, input.actionId);
  return outcome;
}

async function recordDecision(
  db: Db,
  decider: Decider,
  input: DecisionInput,
  options: DecisionOptions,
): Promise<DecisionOutcome & { sampled: boolean }> {
  const reviewerId = "system" in decider ? null : decider.id;
  const source = sourceOf(decider);
  // Time alone never approves anything, and the system's escalation is not a person's verdict to send.
  if (source === "system" && input.decision !== "escalate") refuse("The system can only escalate.");
  const found = await readDecisionContext(db, input.actionId);
  if (!found)
    throw new AppError("not_found:action", "This action does not exist (it may have been removed).");
  const { action, ticket } = found;
  if (!isUndecided(action.status)) return explainConflict(db, input.actionId);
  checkAllowed(action, input);
  // Only a ticket whose customer was already sent a reply needs the follow-up check's own read.
  const sendsReply = (input.decision === "approve" || input.decision === "edit") && action.kind === "reply";
  if (sendsReply && found.repliedBefore) {
    await checkFollowUp(db, ticket.id, action.id, input.followUpAcknowledged === true);
  }

  if (input.decision === "approve" && input.arguments && action.kind !== "escalation") {
    refuse("Only an escalation's team, urgency and note can be changed before approving.");
  }
  const finalArguments =
    input.decision === "approve" && action.kind === "escalation"
      ? await checkEscalationArguments(db, ticket.id, action.payload as EscalationPayload, input.arguments)
      : null;

  const original = actionText(action);
  const finalText =
    input.decision === "edit" ? input.finalText : input.decision === "approve" ? original : null;
  const edited = input.decision === "edit";
  const escalation =
    input.decision === "escalate"
      ? { team: input.team, reason: input.reason, ...(input.note ? { note: input.note } : {}) }
      : null;

  const message =
    source === "system" ? null : outboxMessage(input, action, ticket, finalText, escalation, finalArguments);
  // The ids are chosen here, so every write can be sent without waiting for another's answer.
  const reviewId = randomUUID();
  const outboxId = message ? randomUUID() : null;
  const decidedAt = new Date();
  const releaseAt = message ? releaseTimeFrom(decidedAt) : null;

  try {
    return await db.transaction(async (tx) => {
      const claimedDecision = tx
        .update(agentActions)
        .set({
          status: ACTION_AFTER_DECISION[input.decision],
          version: sql`${agentActions.version} + 1`,
          decidedAt,
          claimedBy: null,
          claimExpiresAt: null,
        })
        .where(
          and(
            eq(agentActions.id, action.id),
            eq(agentActions.version, input.version),
            inArray(agentActions.status, [...UNDECIDED_ACTIONS]),
            // A person holding a live claim is on it: the system leaves it to them.
            source === "system"
              ? sql`(${agentActions.claimedBy} is null or ${agentActions.claimExpiresAt} <= now())`
              : undefined,
          ),
        )
        .returning({ id: agentActions.id });
      const review = tx.insert(reviews).values({
        id: reviewId,
        actionId: action.id,
        ticketId: ticket.id,
        actionKind: action.kind,
        runId: action.runId,
        proposedAt: action.createdAt,
        model: found.model,
        policyVersionId: found.policyVersionId,
        reviewerId,
        source,
        decision: input.decision,
        originalText: original,
        finalText,
        diff: edited ? unifiedDiff(original, input.finalText) : null,
        editDistance: edited
          ? normalisedEditDistance(original, input.finalText)
          : input.decision === "approve"
            ? 0
            : null,
        rating: input.rating ?? null,
        reasonTags: input.reasonTags,
        comment: input.comment || null,
        correctedIntent: input.correctedIntent ?? null,
        correctedCategory: input.correctedCategory ?? null,
        reason: input.decision === "reject" || input.decision === "escalate" ? input.reason : null,
        escalation,
        finalArguments,
        groupId: action.groupId,
        slaMinutes: found.slaMinutes,
      });
      // Decisions on the same ticket take turns from here: the status below is read by a later
      // statement, which sees every decision committed while this one waited for the lock.
      const lockTicket = tx
        .select({ id: tickets.id })
        .from(tickets)
        .where(eq(tickets.id, ticket.id))
        .for("no key update");
      const settleTicket = tx
        .update(tickets)
        .set({ status: ticketStatusOfRunSql(action.runId, ticket.id), updatedAt: decidedAt })
        .where(eq(tickets.id, ticket.id))
        .returning({ status: tickets.status });
      const audit = auditInsert(tx, {
        actorId: reviewerId,
        actorType: reviewerId ? "user" : "system",
        action: `review.${input.decision}`,
        entityType: "agent_action",
        entityId: action.id,
        data: { ticketId: ticket.id, reviewId, version: input.version, outboxId, source },
      });

      // A sample of people's decisions is opened again, blind, for another reviewer (reviewer
      // agreement); the autopilot's are judged through its own sample.
      const secondReview =
        reviewerId &&
        sampledForSecondReview(action.id, options.secondReviewShare ?? env().SECOND_REVIEW_SHARE)
          ? tx.insert(secondReviews).values({
              actionId: action.id,
              ticketId: ticket.id,
              firstReviewId: reviewId,
              firstReviewerId: reviewerId,
            })
          : null;

      // The writes are sent together, in this order (one round trip on PostgreSQL): action,
      // review, ticket (locked, then settled), audit, outbox and second review. If the version
      // check matched nothing, the transaction rolls back whatever else ran.
      const [won, , , settled] = await sendInOrder(
        claimedDecision,
        review,
        lockTicket,
        settleTicket,
        audit,
        ...(message && outboxId
          ? [
              outboxInsert(tx, {
                id: outboxId,
                actionId: action.id,
                ticketId: ticket.id,
                message,
                releaseAt: releaseAt ?? undefined,
              }),
            ]
          : []),
        ...(secondReview ? [secondReview] : []),
      );
      if (won.length === 0) throw new AppError("conflict:review", "lost");
      const ticketStatus = settled[0]?.status;
      if (!ticketStatus) throw new Error(`ticket ${ticket.id} vanished during the decision`);
      return {
        reviewId,
        actionStatus: ACTION_AFTER_DECISION[input.decision],
        ticketId: ticket.id,
        ticketStatus,
        outboxId,
        releaseAt,
        sampled: found.autopilotSample,
      };
    });
  } catch (error) {
    if ((error instanceof AppError && error.message === "lost") || isUniqueViolation(error)) {
      return explainConflict(db, action.id);
    }
    throw error;
  }
}
