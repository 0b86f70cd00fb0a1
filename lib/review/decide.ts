import { and, count, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { recordAudit } from "@/db/queries/audit";
import { agentActions, agentRuns, reviews, type TicketStatus, tickets, users } from "@/db/schema";
import type { EscalationPayload, RefundPayload, ReplyPayload } from "@/lib/agent/types";
import { addToOutbox, type OutboxMessage } from "@/lib/delivery/outbox";
import { AppError } from "@/lib/errors";
import { formatCents } from "@/lib/format";
import { UNDECIDED } from "./claims";
import { normalisedEditDistance, unifiedDiff } from "./edit-distance";
import type { DecisionInput } from "./schema";

export interface Reviewer {
  id: string;
  name: string;
}

export interface DecisionOutcome {
  reviewId: string;
  actionStatus: string;
  ticketId: string;
  ticketStatus: TicketStatus;
  outboxId: string | null;
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

const STATUS_AFTER: Record<DecisionInput["decision"], ActionRow["status"]> = {
  approve: "approved",
  edit: "approved",
  escalate: "escalated",
  reject: "rejected",
};

/**
 * How many of the ticket's other actions still wait for a person. Decisions on
 * the same ticket take turns from here (the ticket row is locked): the count
 * must see another decision that committed meanwhile, or both would leave the
 * ticket awaiting review.
 */
async function undecidedOthers(tx: Db, ticketId: string, actionId: string): Promise<number> {
  await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticketId)).for("no key update");
  const [remaining] = await tx
    .select({ n: count() })
    .from(agentActions)
    .where(
      and(
        eq(agentActions.ticketId, ticketId),
        ne(agentActions.id, actionId),
        inArray(agentActions.status, [...UNDECIDED]),
      ),
    );
  return Number(remaining?.n ?? 0);
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
  if (!(UNDECIDED as readonly string[]).includes(current.status)) {
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
 * Records one human decision. The review, the action's new status, the
 * ticket's status, the audit entry and (for approvals and escalations) the
 * outbox row commit in one transaction; the version check makes sure exactly
 * one of several concurrent decisions wins.
 */
export async function decideAction(
  db: Db,
  reviewer: Reviewer,
  input: DecisionInput,
): Promise<DecisionOutcome> {
  // The action, its run's model and policy version (copied onto the review) and its ticket, in one read.
  const [found] = await db
    .select({
      action: agentActions,
      model: agentRuns.model,
      policyVersionId: agentRuns.policyVersionId,
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
    .where(eq(agentActions.id, input.actionId));
  if (!found)
    throw new AppError("not_found:action", "This action does not exist (it may have been removed).");
  const { action, ticket } = found;
  if (!(UNDECIDED as readonly string[]).includes(action.status)) return explainConflict(db, input.actionId);
  checkAllowed(action, input);

  const original = actionText(action);
  const finalText =
    input.decision === "edit" ? input.finalText : input.decision === "approve" ? original : null;
  const edited = input.decision === "edit";
  const escalation =
    input.decision === "escalate"
      ? { team: input.team, reason: input.reason, ...(input.note ? { note: input.note } : {}) }
      : null;

  try {
    return await db.transaction(async (tx) => {
      const [won] = await tx
        .update(agentActions)
        .set({
          status: STATUS_AFTER[input.decision],
          version: sql`${agentActions.version} + 1`,
          decidedAt: new Date(),
          claimedBy: null,
          claimExpiresAt: null,
        })
        .where(
          and(
            eq(agentActions.id, action.id),
            eq(agentActions.version, input.version),
            inArray(agentActions.status, [...UNDECIDED]),
          ),
        )
        .returning({ id: agentActions.id });
      if (!won) throw new AppError("conflict:review", "lost");
      const [review] = await tx
        .insert(reviews)
        .values({
          actionId: action.id,
          ticketId: ticket.id,
          actionKind: action.kind,
          runId: action.runId,
          proposedAt: action.createdAt,
          model: found.model,
          policyVersionId: found.policyVersionId,
          reviewerId: reviewer.id,
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
          reason: input.decision === "reject" || input.decision === "escalate" ? input.reason : null,
          escalation,
        })
        .returning({ id: reviews.id });

      const ticketStatus: TicketStatus =
        input.decision === "escalate" || (input.decision === "approve" && action.kind === "escalation")
          ? "escalated"
          : input.decision === "approve" || input.decision === "edit"
            ? "resolved"
            : (await undecidedOthers(tx, ticket.id, action.id)) > 0
              ? "awaiting_review"
              : "new";
      await tx
        .update(tickets)
        .set({ status: ticketStatus, updatedAt: new Date() })
        .where(eq(tickets.id, ticket.id));

      let message: OutboxMessage | null = null;
      const base = { ticketId: ticket.id, externalId: ticket.externalId, to: ticket.fromEmail };
      if (
        (input.decision === "approve" || input.decision === "edit") &&
        action.kind === "reply" &&
        finalText
      ) {
        message = { ...base, kind: "reply", subject: `Re: ${ticket.subject}`, text: finalText };
      } else if (input.decision === "approve" && action.kind === "escalation") {
        const p = action.payload as EscalationPayload;
        message = {
          ...base,
          kind: "escalation",
          subject: `Escalation: ${ticket.subject}`,
          team: p.team,
          reason: p.reason,
        };
      } else if (escalation) {
        message = { ...base, kind: "escalation", subject: `Escalation: ${ticket.subject}`, ...escalation };
      }
      const outbox = message
        ? await addToOutbox(tx, { actionId: action.id, ticketId: ticket.id, message })
        : null;

      await recordAudit(tx, {
        actorId: reviewer.id,
        actorType: "user",
        action: `review.${input.decision}`,
        entityType: "agent_action",
        entityId: action.id,
        data: {
          ticketId: ticket.id,
          reviewId: review?.id,
          version: input.version,
          outboxId: outbox?.id ?? null,
        },
      });
      return {
        reviewId: review?.id ?? "",
        actionStatus: STATUS_AFTER[input.decision],
        ticketId: ticket.id,
        ticketStatus,
        outboxId: outbox?.id ?? null,
      };
    });
  } catch (error) {
    if ((error instanceof AppError && error.message === "lost") || isUniqueViolation(error)) {
      return explainConflict(db, action.id);
    }
    throw error;
  }
}
