import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { agentActions, agentRuns, policyVersions, reviews, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { OFFLINE_MODEL_ID } from "@/lib/agent/offline/model";
import { runAgent } from "@/lib/agent/run";
import { decideAction } from "@/lib/review/decide";
import type { DecisionInput } from "@/lib/review/schema";

/**
 * Reviews made the way the app makes them (seeded demo, the offline agent,
 * decideAction), covering every decision and action kind, two policy
 * versions, a second model, a demo-history review and edits with awkward
 * text, then dated so date filters and batch boundaries have something to bite on.
 */
export const FEEDBACK_LABELS = [
  "approveA",
  "approveB",
  "editA",
  "editB",
  "editSame",
  "rejected",
  "escalatedReply",
  "escalationApproved",
  "refundEscalated",
  "approveV2",
] as const;
export type FeedbackLabel = (typeof FEEDBACK_LABELS)[number];

export const V2_INSTRUCTIONS = "Version two: answer in one short, friendly paragraph.";
export const EDIT_WITH_PII =
  "Hi Jane, we are on it. Call us on +44 20 7946 0958 or write to jane.doe+vip@example.co.uk about ORD-123456; " +
  "the card 4111 1111 1111 1111 was not charged.";
export const EDIT_AWKWARD = 'Thanks for waiting.\n\n"Quoted", with commas; a tab\there and a newline.\nBest,';

/** When each review was made: a tie, a microsecond apart, and the edges of January. */
export const REVIEWED_AT: Record<FeedbackLabel, string> = {
  approveA: "2026-01-05 09:00:00.000100+00",
  approveB: "2026-01-31 23:59:59.999999+00",
  editA: "2026-02-01 00:00:00+00",
  editB: "2026-02-10 12:00:00.123456+00",
  editSame: "2026-02-10 12:00:00.123456+00",
  rejected: "2026-02-10 12:00:00.123457+00",
  escalatedReply: "2026-03-01 08:00:00+00",
  escalationApproved: "2026-03-02 08:00:00+00",
  refundEscalated: "2026-03-03 08:00:00+00",
  approveV2: "2026-04-01 08:00:00+00",
};

export interface FeedbackReview {
  label: FeedbackLabel;
  reviewId: string;
  actionId: string;
  ticketId: string;
  decision: string;
  kind: string;
  originalText: string | null;
  finalText: string | null;
}

type DecisionWithoutIds = DecisionInput extends infer D
  ? D extends DecisionInput
    ? Omit<D, "actionId" | "version" | "reasonTags">
    : never
  : never;

const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };
const REPLY_INTENTS = [
  "check_refund_policy",
  "create_account",
  "delivery_options",
  "change_order",
  "get_invoice",
  "edit_account",
  "newsletter_subscription",
  "change_shipping_address",
  "track_order",
];

export async function seedFeedback(db: Db): Promise<Record<FeedbackLabel, FeedbackReview>> {
  await seedDemo(db, { now: new Date("2026-01-01T00:00:00Z") });
  const [reviewer] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(eq(users.email, "reviewer@example.com"));
  if (!reviewer) throw new Error("seedDemo made no reviewer");
  const all = await db
    .select({ id: tickets.id, intent: tickets.intent })
    .from(tickets)
    .orderBy(asc(tickets.externalId));
  const used = new Set<string>();

  /** Drafts tickets of these intents until one proposes an action of this kind. */
  async function propose(kind: "reply" | "escalation" | "refund", intents: string[]) {
    for (const ticket of all) {
      if (used.has(ticket.id) || !intents.includes(ticket.intent ?? "")) continue;
      used.add(ticket.id);
      await runAgent(db, ticket.id, { models: OFFLINE, useCache: false });
      const [action] = await db
        .select()
        .from(agentActions)
        .where(
          and(
            eq(agentActions.ticketId, ticket.id),
            eq(agentActions.kind, kind),
            inArray(agentActions.status, ["pending_review", "blocked"]),
          ),
        );
      if (action) return action;
    }
    throw new Error(`No seeded ticket of ${intents.join(", ")} made the agent propose a ${kind}`);
  }

  const made = {} as Record<FeedbackLabel, FeedbackReview>;
  async function decide(
    label: FeedbackLabel,
    action: typeof agentActions.$inferSelect,
    input: DecisionWithoutIds & { reasonTags?: DecisionInput["reasonTags"] },
  ) {
    const outcome = await decideAction(
      db,
      reviewer as { id: string; name: string },
      {
        reasonTags: [],
        ...input,
        actionId: action.id,
        version: action.version,
      } as DecisionInput,
    );
    const [review] = await db.select().from(reviews).where(eq(reviews.id, outcome.reviewId));
    if (!review) throw new Error("decideAction stored no review");
    made[label] = {
      label,
      reviewId: review.id,
      actionId: action.id,
      ticketId: action.ticketId,
      decision: review.decision,
      kind: action.kind,
      originalText: review.originalText,
      finalText: review.finalText,
    };
  }

  await decide("approveA", await propose("reply", REPLY_INTENTS), { decision: "approve", rating: 5 });
  await decide("approveB", await propose("reply", REPLY_INTENTS), {
    decision: "approve",
    rating: 3,
    reasonTags: ["tone"],
  });
  await decide("editA", await propose("reply", REPLY_INTENTS), {
    decision: "edit",
    finalText: EDIT_WITH_PII,
    rating: 4,
    reasonTags: ["incomplete"],
    comment: "Added the phone line; customer is jane.doe+vip@example.co.uk",
  });
  await decide("editB", await propose("reply", REPLY_INTENTS), {
    decision: "edit",
    finalText: EDIT_AWKWARD,
    rating: 2,
    reasonTags: ["hallucination", "tone"],
  });
  const same = await propose("reply", REPLY_INTENTS);
  await decide("editSame", same, {
    decision: "edit",
    finalText: String((same.payload as { text: string }).text),
    rating: 4,
  });
  await decide("rejected", await propose("reply", REPLY_INTENTS), {
    decision: "reject",
    reason: "Cites the wrong article",
    reasonTags: ["wrong_policy"],
  });
  await decide("escalatedReply", await propose("reply", REPLY_INTENTS), {
    decision: "escalate",
    team: "billing",
    reason: "Needs a person",
  });
  await decide("escalationApproved", await propose("escalation", ["complaint", "contact_human_agent"]), {
    decision: "approve",
  });
  await decide("refundEscalated", await propose("refund", ["get_refund"]), {
    decision: "escalate",
    team: "billing",
    reason: "Refunds are for billing",
  });

  // Policy version 2 takes over; the next reply runs under it.
  await db.transaction(async (tx) => {
    await tx.update(policyVersions).set({ status: "retired" }).where(eq(policyVersions.status, "published"));
    const [v1] = await tx.select().from(policyVersions).where(eq(policyVersions.version, 1));
    await tx.insert(policyVersions).values({
      version: 2,
      status: "published",
      rules: v1?.rules ?? [],
      instructions: V2_INSTRUCTIONS,
      publishedAt: new Date(),
    });
  });
  await decide("approveV2", await propose("reply", REPLY_INTENTS), { decision: "approve", rating: 5 });

  for (const [label, at] of Object.entries(REVIEWED_AT)) {
    await db
      .update(reviews)
      .set({ createdAt: sql`${at}::timestamptz` })
      .where(eq(reviews.id, made[label as FeedbackLabel].reviewId));
  }
  await db.update(reviews).set({ demo: true }).where(eq(reviews.id, made.approveB.reviewId));
  const [editRun] = await db
    .select({ runId: agentActions.runId })
    .from(agentActions)
    .where(eq(agentActions.id, made.editA.actionId));
  await db
    .update(agentRuns)
    .set({ model: "openai:gpt-4.1-mini", inputTokens: 1500, outputTokens: 200, costMicroUsd: 920 })
    .where(eq(agentRuns.id, editRun?.runId ?? ""));
  // Reviews carry their run's model (copied when the decision is made): as if it had run on that model.
  await db.update(reviews).set({ model: "openai:gpt-4.1-mini" }).where(eq(reviews.id, made.editA.reviewId));
  return made;
}

/** One more approved reply, reviewed now: a review that arrives after an export's snapshot. */
export async function approveAnotherReply(db: Db): Promise<string> {
  return reviewAnotherReply(db, () => ({ decision: "approve" }));
}

/**
 * One more reply, reviewed now, whose draft mentions an e-mail address and
 * whose edit changes nothing but that address: once redacted, the two texts
 * of its preference pair are the same.
 */
export async function editOnlyPii(db: Db): Promise<string> {
  return reviewAnotherReply(db, async (action) => {
    const draft = "Thanks for writing. We sent the label to jane@example.com.";
    await db
      .update(agentActions)
      .set({ payload: { ...(action.payload as object), text: draft } })
      .where(eq(agentActions.id, action.id));
    return { decision: "edit", finalText: draft.replace("jane@example.com", "jane.doe@example.org") };
  });
}

async function reviewAnotherReply(
  db: Db,
  decide: (action: typeof agentActions.$inferSelect) => DecisionWithoutIds | Promise<DecisionWithoutIds>,
): Promise<string> {
  const [reviewer] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(eq(users.email, "reviewer@example.com"));
  const candidates = await db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.status, "new"), inArray(tickets.intent, REPLY_INTENTS)))
    .orderBy(asc(tickets.externalId));
  for (const ticket of candidates) {
    await runAgent(db, ticket.id, { models: OFFLINE, useCache: false });
    const [action] = await db
      .select()
      .from(agentActions)
      .where(
        and(
          eq(agentActions.ticketId, ticket.id),
          eq(agentActions.kind, "reply"),
          eq(agentActions.status, "pending_review"),
        ),
      );
    if (!action || !reviewer) continue;
    const outcome = await decideAction(db, reviewer, {
      reasonTags: [],
      ...(await decide(action)),
      actionId: action.id,
      version: action.version,
    } as DecisionInput);
    return outcome.reviewId;
  }
  throw new Error("No new ticket left for another reply");
}
