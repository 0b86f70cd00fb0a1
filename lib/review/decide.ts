import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { auditInsert } from "@/db/queries/audit";
import {
  agentActions,
  agentRuns,
  reviewGroups,
  reviews,
  secondReviews,
  type TicketStatus,
  tickets,
  users,
} from "@/db/schema";
import {
  ACTION_AFTER_DECISION,
  isUndecided,
  ticketStatusOfRunSql,
  UNDECIDED_ACTIONS,
} from "@/lib/agent/transitions";
import type { EscalationPayload, RefundPayload, ReplyPayload } from "@/lib/agent/types";
import { judgeIfSampled } from "@/lib/autopilot/judge";
import { type OutboxMessage, outboxInsert } from "@/lib/delivery/outbox";
import { releaseTimeFrom } from "@/lib/delivery/undo-window";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { formatCents } from "@/lib/format";
import { tracingActive, withSpan } from "@/lib/telemetry/spans";
import { ticketTraceparentOfAction } from "@/lib/telemetry/stored-context";
import { type Decider, sourceOf } from "./decider";
import { normalisedEditDistance, unifiedDiff } from "./edit-distance";
import { checkEscalationArguments, type FinalEscalationArguments } from "./escalation-arguments";
import { checkFollowUp } from "./follow-up";
import type { DecisionInput } from "./schema";
import { sampledForSecondReview } from "./second-review-sample";

export { AUTOPILOT, type Decider, type Reviewer, SLA_LIMIT } from "./decider";

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

/** The text a person decided on: the reply, the escalation's reason, or the refund proposal. */
export function actionText(action: Pick<ActionRow, "kind" | "payload">): string {
  if (action.kind === "reply") return (action.payload as ReplyPayload).text;
  if (action.kind === "escalation") return (action.payload as EscalationPayload).reason;
  const refund = action.payload as RefundPayload;
  return `Refund ${formatCents(refund.amountCents)} on ${refund.orderNumber}: ${refund.reason}`;
}

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

type TicketContact = { id: string; externalId: string; fromEmail: string; subject: string };

/** What the decision sends: the countersigned reply, or the notice of an escalation; nothing for a rejection. */
function outboxMessage(
  input: DecisionInput,
  action: ActionRow,
  ticket: TicketContact,
  finalText: string | null,
  escalation: { team: string; reason: string; note?: string } | null,
  approvedEscalation: FinalEscalationArguments | null,
): OutboxMessage | null {
  const base = { ticketId: ticket.id, externalId: ticket.externalId, to: ticket.fromEmail };
  if ((input.decision === "approve" || input.decision === "edit") && action.kind === "reply" && finalText) {
    return { ...base, kind: "reply", subject: `Re: ${ticket.subject}`, text: finalText };
  }
  if (input.decision === "approve" && action.kind === "escalation" && approvedEscalation) {
    const { team, reason, note } = approvedEscalation;
    return {
      ...base,
      kind: "escalation",
      subject: `Escalation: ${ticket.subject}`,
      team,
      reason,
      ...(note ? { note } : {}),
    };
  }
  if (escalation)
    return { ...base, kind: "escalation", subject: `Escalation: ${ticket.subject}`, ...escalation };
  return null;
}

/** Explains why a decision lost: someone else decided, the action moved on, or the page was stale. */
async function explainConflict(db: Db, actionId: string): Promise<never> {
  const [current] = await db
    .select({ status: agentActions.status })
    .from(agentActions)
    .where(eq(agentActions.id, actionId));
  if (!current) throw new AppError("not_found:action", "This action does not exist any more.");
  const [decided] = await db
    .select({ decision: reviews.decision, at: reviews.createdAt, by: users.name })
    .from(reviews)
    .leftJoin(users, eq(users.id, reviews.reviewerId))
    .where(eq(reviews.actionId, actionId));
  if (decided) {
    throw new AppError(
      "conflict:review",
      `${decided.by ?? "Another reviewer"} already decided this action (${decided.decision}) at ${decided.at.toISOString().slice(11, 16)} UTC. Nothing of yours was saved; reload to see their decision.`,
      { decidedBy: decided.by, decision: decided.decision },
    );
  }
  if (!isUndecided(current.status)) {
    throw new AppError(
      "conflict:review",
      `This action is no longer waiting for review (it is ${current.status.replace("_", " ")}). Reload the page.`,
    );
  }
  throw new AppError(
    "conflict:review",
    "This action changed since you opened it. Reload the page and decide again.",
  );
}

/**
 * The action, its run's model and policy version (copied onto the review) and
 * its ticket, in one read: a prepared statement per database, so PostgreSQL
 * plans it once per connection rather than once per decision.
 */
const decisionContexts = new WeakMap<Db, ReturnType<typeof prepareDecisionContext>>();

function prepareDecisionContext(db: Db) {
  return db
    .select({
      action: agentActions,
      model: agentRuns.model,
      policyVersionId: agentRuns.policyVersionId,
      // The SLA the action was held to: its group's, or the group an SLA move took it from.
      slaMinutes: reviewGroups.slaMinutes,
      ticket: {
        id: tickets.id,
        externalId: tickets.externalId,
        fromEmail: tickets.fromEmail,
        subject: tickets.subject,
      },
    })
    .from(agentActions)
    .innerJoin(agentRuns, eq(agentRuns.id, agentActions.runId))
    .innerJoin(tickets, eq(tickets.id, agentActions.ticketId))
    .leftJoin(
      reviewGroups,
      eq(reviewGroups.id, sql`coalesce(${agentActions.slaFromGroupId}, ${agentActions.groupId})`),
    )
    .where(eq(agentActions.id, sql.placeholder("actionId")))
    .prepare("decision_context");
}

function readDecisionContext(db: Db) {
  let prepared = decisionContexts.get(db);
  if (!prepared) {
    prepared = prepareDecisionContext(db);
    decisionContexts.set(db, prepared);
  }
  return prepared;
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
  const outcome = await withSpan("countersign.review.decide", { attributes, traceparent }, async (span) => {
    const decided = await recordDecision(db, decider, input, options);
    span.setAttributes({
      "countersign.ticket.id": decided.ticketId,
      "countersign.action.status": decided.actionStatus,
    });
    return decided;
  });
  if (!("system" in decider)) await judgeIfSampled(db, input.actionId);
  return outcome;
}

async function recordDecision(
  db: Db,
  decider: Decider,
  input: DecisionInput,
  options: DecisionOptions,
): Promise<DecisionOutcome> {
  const reviewerId = "system" in decider ? null : decider.id;
  const source = sourceOf(decider);
  // Time alone never approves anything, and the system's escalation is not a person's verdict to send.
  if (source === "system" && input.decision !== "escalate") refuse("The system can only escalate.");
  const [found] = await readDecisionContext(db).execute({ actionId: input.actionId });
  if (!found)
    throw new AppError("not_found:action", "This action does not exist (it may have been removed).");
  const { action, ticket } = found;
  if (!isUndecided(action.status)) return explainConflict(db, input.actionId);
  checkAllowed(action, input);
  if ((input.decision === "approve" || input.decision === "edit") && action.kind === "reply") {
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

      // The writes are sent together, in this order (one round trip on PostgreSQL): action,
      // review, ticket (locked, then settled), audit and outbox. If the version check matched
      // nothing, the transaction rolls back whatever else ran.
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
      );
      if (won.length === 0) throw new AppError("conflict:review", "lost");
      // A sample of decisions is opened again, blind, for another reviewer (reviewer agreement).
      // Only people's decisions: the autopilot's are judged through its own sample.
      if (
        reviewerId &&
        sampledForSecondReview(action.id, options.secondReviewShare ?? env().SECOND_REVIEW_SHARE)
      ) {
        await tx.insert(secondReviews).values({
          actionId: action.id,
          ticketId: ticket.id,
          firstReviewId: reviewId,
          firstReviewerId: reviewerId,
        });
      }
      const ticketStatus = settled[0]?.status;
      if (!ticketStatus) throw new Error(`ticket ${ticket.id} vanished during the decision`);
      return {
        reviewId,
        actionStatus: ACTION_AFTER_DECISION[input.decision],
        ticketId: ticket.id,
        ticketStatus,
        outboxId,
        releaseAt,
      };
    });
  } catch (error) {
    if ((error instanceof AppError && error.message === "lost") || isUniqueViolation(error)) {
      return explainConflict(db, action.id);
    }
    throw error;
  }
}
