import { and, asc, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, auditLog, outbox, reviews, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { resetBreakers } from "@/lib/agent/models/resilience";
import { OFFLINE_MODEL_ID } from "@/lib/agent/offline/model";
import { runAgent } from "@/lib/agent/run";
import type { ReplyPayload } from "@/lib/agent/types";
import { idempotencyKeyFor } from "@/lib/delivery/outbox";
import { AppError } from "@/lib/errors";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { ticketEscalations } from "@/lib/guardrails/evaluate";
import { availableDrivers, createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { decideAction, type Reviewer } from "./decide";
import { type DecisionInput, decisionSchema } from "./schema";

const NOW = new Date("2026-11-01T12:00:00Z");
const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };
const FAST = {
  timeoutMs: 2_000,
  maxAttempts: 3,
  initialDelayMs: 1,
  maxDelayMs: 5,
  breakerThreshold: 5,
  halfOpenAfterMs: 1_000,
};

type Action = typeof agentActions.$inferSelect;
type Ticket = typeof tickets.$inferSelect;

/** Runs the offline agent on seeded tickets until one yields a reply waiting for review. */
function replyDrafter(db: Db) {
  let candidates: Ticket[] | null = null;
  let next = 0;
  return async (): Promise<{ action: Action; ticket: Ticket }> => {
    candidates ??= (await db.select().from(tickets).orderBy(asc(tickets.externalId))).filter(
      (t) => (t.intent === "track_order" && /\bORD-\d{6}\b/.test(t.body)) || t.intent === "delivery_options",
    );
    while (next < candidates.length) {
      const ticket = candidates[next++] as Ticket;
      const outcome = await runAgent(db, ticket.id, { models: OFFLINE, resilience: FAST, useCache: false });
      const reply = outcome.actions.find((a) => a.kind === "reply" && a.status === "pending_review");
      if (reply) return { action: await actionRow(db, reply.id), ticket: await ticketRow(db, ticket.id) };
    }
    throw new Error("ran out of seeded tickets the offline agent answers with a reply");
  };
}

/** A seeded refund request: the offline agent proposes a refund (blocked by no-payments) and an escalation. */
async function refundTicket(db: Db): Promise<Ticket> {
  const all = await db.select().from(tickets).orderBy(asc(tickets.externalId));
  const ticket = all.find(
    (t) =>
      t.intent === "get_refund" &&
      /\b(demand|receive|get)\w*\s+an?\s+(reimbursement|compensation)\b|^\W*refund\w*\s*\$\d/i.test(t.body) &&
      ticketEscalations(DEFAULT_RULES, { text: `${t.subject}\n${t.body}` }).some(
        (r) => r.ruleId === "refund-requests",
      ),
  );
  if (!ticket) throw new Error("no seeded refund request");
  return ticket;
}

async function draftBlockedRefund(db: Db, ticket: Ticket): Promise<{ refund: Action; escalation: Action }> {
  const outcome = await runAgent(db, ticket.id, { models: OFFLINE, resilience: FAST, useCache: false });
  const refund = outcome.actions.find((a) => a.kind === "refund");
  const escalation = outcome.actions.find((a) => a.kind === "escalation");
  if (!refund || !escalation) throw new Error(`expected a refund and an escalation, got ${outcome.actions}`);
  return { refund: await actionRow(db, refund.id), escalation: await actionRow(db, escalation.id) };
}

async function actionRow(db: Db, id: string): Promise<Action> {
  const [row] = await db.select().from(agentActions).where(eq(agentActions.id, id));
  if (!row) throw new Error(`action ${id} not found`);
  return row;
}

async function ticketRow(db: Db, id: string): Promise<Ticket> {
  const [row] = await db.select().from(tickets).where(eq(tickets.id, id));
  if (!row) throw new Error(`ticket ${id} not found`);
  return row;
}

async function reviewsOf(db: Db, actionId: string) {
  return db.select().from(reviews).where(eq(reviews.actionId, actionId));
}

async function outboxOf(db: Db, actionId: string) {
  return db.select().from(outbox).where(eq(outbox.actionId, actionId));
}

async function auditOf(db: Db, actionId: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, "agent_action"), eq(auditLog.entityId, actionId)));
}

async function insertReviewers(db: Db, n: number, prefix: string): Promise<Reviewer[]> {
  return db
    .insert(users)
    .values(
      Array.from({ length: n }, (_, i) => ({
        email: `${prefix}-${i + 1}@example.test`,
        name: `${prefix} reviewer ${i + 1}`,
        passwordHash: "not-a-real-hash",
        role: "reviewer" as const,
      })),
    )
    .returning({ id: users.id, name: users.name });
}

/** Validates like the server action does, so the tests go through the same schema. */
function input(raw: Record<string, unknown>): DecisionInput {
  return decisionSchema.parse(raw);
}

/** The AppError a promise rejects with (fails the test if it resolves or throws something else). */
async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function firstIssue(raw: Record<string, unknown>) {
  const parsed = decisionSchema.safeParse(raw);
  expect(parsed.success).toBe(false);
  return parsed.error?.issues[0];
}

describe("decideAction", () => {
  let handle: TestDatabase;
  let db: Db;
  let riley: Reviewer;
  let avery: Reviewer;
  let draftReply: ReturnType<typeof replyDrafter>;

  beforeAll(async () => {
    handle = await createTestDatabase(defaultDriver());
    db = handle.db;
    await seedDemo(db, { now: NOW });
    const people = await db.select({ id: users.id, name: users.name, email: users.email }).from(users);
    const find = (email: string) => {
      const p = people.find((u) => u.email === email);
      if (!p) throw new Error(`no seeded user ${email}`);
      return { id: p.id, name: p.name };
    };
    riley = find("reviewer@example.com");
    avery = find("admin@example.com");
    draftReply = replyDrafter(db);
  });
  afterAll(() => handle?.destroy());
  beforeEach(() => resetBreakers());

  it("approves a pending reply: review, action, ticket, audit and outbox commit together", async () => {
    const { action, ticket } = await draftReply();
    expect(action).toMatchObject({ status: "pending_review", version: 1 });
    await db
      .update(agentActions)
      .set({ claimedBy: riley.id, claimExpiresAt: new Date(Date.now() + 60_000) })
      .where(eq(agentActions.id, action.id));
    const draft = (action.payload as ReplyPayload).text;

    const outcome = await decideAction(
      db,
      riley,
      input({
        actionId: action.id,
        version: action.version,
        decision: "approve",
        rating: 5,
        reasonTags: ["tone"],
        comment: "  Clear and kind.  ",
      }),
    );
    expect(outcome).toMatchObject({
      actionStatus: "approved",
      ticketId: ticket.id,
      ticketStatus: "resolved",
    });

    const [review, ...moreReviews] = await reviewsOf(db, action.id);
    expect(moreReviews).toEqual([]);
    expect(review).toMatchObject({
      id: outcome.reviewId,
      ticketId: ticket.id,
      reviewerId: riley.id,
      decision: "approve",
      originalText: draft,
      finalText: draft,
      diff: null,
      editDistance: 0,
      rating: 5,
      reasonTags: ["tone"],
      comment: "Clear and kind.",
      reason: null,
      escalation: null,
    });

    const after = await actionRow(db, action.id);
    expect(after).toMatchObject({
      status: "approved",
      version: action.version + 1,
      claimedBy: null,
      claimExpiresAt: null,
    });
    expect(after.decidedAt).toBeInstanceOf(Date);
    expect((await ticketRow(db, ticket.id)).status).toBe("resolved");

    const audit = await auditOf(db, action.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: riley.id, actorType: "user", action: "review.approve" });
    expect(audit[0]?.data).toMatchObject({
      ticketId: ticket.id,
      reviewId: review?.id,
      outboxId: outcome.outboxId,
    });

    const sent = await outboxOf(db, action.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      id: outcome.outboxId,
      ticketId: ticket.id,
      status: "pending",
      attempts: 0,
      idempotencyKey: idempotencyKeyFor(action.id),
    });
    expect(sent[0]?.payload).toEqual({
      kind: "reply",
      ticketId: ticket.id,
      externalId: ticket.externalId,
      to: ticket.fromEmail,
      subject: `Re: ${ticket.subject}`,
      text: draft,
    });
    const [sameKey] = await db
      .select({ n: count() })
      .from(outbox)
      .where(eq(outbox.idempotencyKey, sent[0]?.idempotencyKey ?? ""));
    expect(Number(sameKey?.n)).toBe(1);
  });

  it("stores an edit with its diff and a normalised edit distance, and sends the edited text", async () => {
    const { action, ticket } = await draftReply();
    const draft = (action.payload as ReplyPayload).text;
    const finalText = `Hello from the support team,\n${draft}\nP.S. The parcel is insured, so nothing is lost.`;

    const outcome = await decideAction(
      db,
      riley,
      input({ actionId: action.id, version: 1, decision: "edit", finalText, reasonTags: ["incomplete"] }),
    );
    expect(outcome).toMatchObject({ actionStatus: "approved", ticketStatus: "resolved" });

    const [review] = await reviewsOf(db, action.id);
    expect(review).toMatchObject({
      decision: "edit",
      originalText: draft,
      finalText,
      reasonTags: ["incomplete"],
    });
    expect(review?.diff).toContain("--- agent draft");
    expect(review?.diff).toContain("+++ approved reply");
    expect(review?.diff).toContain("+Hello from the support team,");
    expect(review?.diff).toContain("+P.S. The parcel is insured, so nothing is lost.");
    expect(review?.editDistance).toBeGreaterThan(0);
    expect(review?.editDistance).toBeLessThanOrEqual(1);

    expect((await actionRow(db, action.id)).status).toBe("approved");
    const [sent] = await outboxOf(db, action.id);
    expect(sent?.payload).toMatchObject({ kind: "reply", to: ticket.fromEmail, text: finalText });
    expect((await auditOf(db, action.id)).map((a) => a.action)).toEqual(["review.edit"]);
  });

  it("refuses an empty edit in the schema, with a message that says what to do", () => {
    const action = { actionId: crypto.randomUUID(), version: 1, decision: "edit" };
    const message = "The edited reply is empty. Write the reply, or reject the draft instead.";
    expect(firstIssue({ ...action, finalText: "  \n\t " })).toMatchObject({ path: ["finalText"], message });
    expect(firstIssue({ ...action, finalText: "" })?.message).toBe(message);
    expect(firstIssue(action)?.message).toBe(message);
  });

  it("escalates a reply to a team: escalation stored, ticket escalated, escalation notice in the outbox", async () => {
    const { action, ticket } = await draftReply();
    const outcome = await decideAction(
      db,
      avery,
      input({
        actionId: action.id,
        version: 1,
        decision: "escalate",
        team: "billing",
        reason: "  The customer was charged twice.  ",
        note: "Check the payment provider first.",
        reasonTags: ["should_have_escalated"],
      }),
    );
    expect(outcome).toMatchObject({ actionStatus: "escalated", ticketStatus: "escalated" });

    const [review] = await reviewsOf(db, action.id);
    expect(review).toMatchObject({
      decision: "escalate",
      reviewerId: avery.id,
      finalText: null,
      editDistance: null,
      reason: "The customer was charged twice.",
      escalation: {
        team: "billing",
        reason: "The customer was charged twice.",
        note: "Check the payment provider first.",
      },
    });
    expect((await actionRow(db, action.id)).status).toBe("escalated");
    expect((await ticketRow(db, ticket.id)).status).toBe("escalated");
    const sent = await outboxOf(db, action.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.payload).toEqual({
      kind: "escalation",
      ticketId: ticket.id,
      externalId: ticket.externalId,
      to: ticket.fromEmail,
      subject: `Escalation: ${ticket.subject}`,
      team: "billing",
      reason: "The customer was charged twice.",
      note: "Check the payment provider first.",
    });
  });

  it("refuses a rejection without a reason in the schema", () => {
    const action = { actionId: crypto.randomUUID(), version: 1, decision: "reject" };
    const message = "A rejection needs a reason, so the agent and the team can learn from it.";
    expect(firstIssue(action)).toMatchObject({ path: ["reason"], message });
    expect(firstIssue({ ...action, reason: "   " })?.message).toBe(message);
    expect(firstIssue({ ...action, decision: "escalate", team: "legal" })?.message).toBe(
      "Say why this needs a person.",
    );
    expect(firstIssue({ actionId: action.actionId, decision: "approve" })?.message).toBe(
      "The action version is missing: reload the page.",
    );
  });

  it("rejects with a reason: the ticket goes back to new when nothing else waits, and nothing is sent", async () => {
    const { action, ticket } = await draftReply();
    const outcome = await decideAction(
      db,
      riley,
      input({
        actionId: action.id,
        version: 1,
        decision: "reject",
        reason: "It quotes the wrong delivery window.",
        reasonTags: ["wrong_policy", "hallucination"],
        rating: 1,
      }),
    );
    expect(outcome).toMatchObject({ actionStatus: "rejected", ticketStatus: "new", outboxId: null });
    const [review] = await reviewsOf(db, action.id);
    expect(review).toMatchObject({
      decision: "reject",
      reason: "It quotes the wrong delivery window.",
      reasonTags: ["wrong_policy", "hallucination"],
      rating: 1,
      finalText: null,
    });
    expect((await actionRow(db, action.id)).status).toBe("rejected");
    expect((await ticketRow(db, ticket.id)).status).toBe("new");
    expect(await outboxOf(db, action.id)).toEqual([]);
    expect((await auditOf(db, action.id)).map((a) => a.action)).toEqual(["review.reject"]);
  });

  it("never approves a blocked refund, but lets a person escalate or reject it", async () => {
    const ticket = await refundTicket(db);
    const first = await draftBlockedRefund(db, ticket);
    expect(first.refund).toMatchObject({ status: "blocked", blockedBy: "no-payments", version: 1 });
    expect(first.escalation.status).toBe("pending_review");

    const refused = await appError(
      decideAction(db, riley, input({ actionId: first.refund.id, version: 1, decision: "approve" })),
    );
    expect(refused.code).toBe("bad_request:review");
    expect(refused.message).toBe(
      "A blocked action cannot be approved: the policy forbids it. Escalate it to a person who can act, or reject it.",
    );
    const edited = await appError(
      decideAction(
        db,
        riley,
        input({ actionId: first.refund.id, version: 1, decision: "edit", finalText: "x" }),
      ),
    );
    expect(edited.message).toBe("Only reply drafts can be edited.");
    expect(await actionRow(db, first.refund.id)).toMatchObject({ status: "blocked", version: 1 });
    expect(await reviewsOf(db, first.refund.id)).toEqual([]);
    expect(await outboxOf(db, first.refund.id)).toEqual([]);

    // Rejecting the refund leaves the ticket awaiting review: the escalation still waits.
    const rejected = await decideAction(
      db,
      riley,
      input({
        actionId: first.refund.id,
        version: 1,
        decision: "reject",
        reason: "We do not refund by chat.",
      }),
    );
    expect(rejected).toMatchObject({
      actionStatus: "rejected",
      ticketStatus: "awaiting_review",
      outboxId: null,
    });
    expect((await ticketRow(db, ticket.id)).status).toBe("awaiting_review");

    // A new draft of the same ticket: this time the refund goes to billing.
    const second = await draftBlockedRefund(db, ticket);
    expect((await actionRow(db, first.escalation.id)).status).toBe("superseded");
    const escalated = await decideAction(
      db,
      riley,
      input({
        actionId: second.refund.id,
        version: 1,
        decision: "escalate",
        team: "billing",
        reason: "Refunds are for billing.",
      }),
    );
    expect(escalated).toMatchObject({ actionStatus: "escalated", ticketStatus: "escalated" });
    const [review] = await reviewsOf(db, second.refund.id);
    expect(review?.originalText).toMatch(/^Refund .+ on .+: /);
    expect(review?.escalation).toEqual({ team: "billing", reason: "Refunds are for billing." });
    const [sent] = await outboxOf(db, second.refund.id);
    expect(sent?.payload).toMatchObject({
      kind: "escalation",
      team: "billing",
      reason: "Refunds are for billing.",
    });
  });

  it("settles the ticket from every decision on its run, whatever their order", async () => {
    const ticket = await refundTicket(db);
    const decide = (action: Action, raw: Record<string, unknown>) =>
      decideAction(db, riley, input({ actionId: action.id, version: action.version, ...raw }));
    const reject = { decision: "reject", reason: "Not this." };

    // The escalation approved first, then the refund rejected: the ticket stays with a person.
    const first = await draftBlockedRefund(db, ticket);
    expect(await decide(first.escalation, { decision: "approve" })).toMatchObject({
      ticketStatus: "escalated",
    });
    expect(await decide(first.refund, reject)).toMatchObject({ ticketStatus: "escalated" });
    expect((await ticketRow(db, ticket.id)).status).toBe("escalated");

    // The refund rejected first: waiting for the escalation, then escalated once it is approved.
    const second = await draftBlockedRefund(db, ticket);
    expect(await decide(second.refund, reject)).toMatchObject({ ticketStatus: "awaiting_review" });
    expect(await decide(second.escalation, { decision: "approve" })).toMatchObject({
      ticketStatus: "escalated",
    });

    // Both rejected, in either order: back to new, for the agent or a person to draft again.
    const third = await draftBlockedRefund(db, ticket);
    expect(await decide(third.escalation, reject)).toMatchObject({ ticketStatus: "awaiting_review" });
    expect(await decide(third.refund, reject)).toMatchObject({ ticketStatus: "new" });
    expect((await ticketRow(db, ticket.id)).status).toBe("new");
  });

  it("refuses a decision on an action someone already decided, naming who", async () => {
    const { action } = await draftReply();
    await decideAction(db, riley, input({ actionId: action.id, version: 1, decision: "approve" }));

    for (const version of [1, 2]) {
      const late = await appError(
        decideAction(
          db,
          avery,
          input({ actionId: action.id, version, decision: "reject", reason: "Too late." }),
        ),
      );
      expect(late.code).toBe("conflict:review");
      expect(late.type).toBe("conflict");
      expect(late.status).toBe(409);
      expect(late.message).toMatch(
        /^Riley Reviewer already decided this action \(approve\) at \d\d:\d\d UTC\./,
      );
      expect(late.details).toMatchObject({ decidedBy: "Riley Reviewer", decision: "approve" });
    }
    expect(await reviewsOf(db, action.id)).toHaveLength(1);
    expect(await auditOf(db, action.id)).toHaveLength(1);
    expect((await actionRow(db, action.id)).version).toBe(2);
  });

  it("refuses a decision made on a stale version of the action", async () => {
    const { action, ticket } = await draftReply();
    // Something changed the action after the reviewer opened it.
    await db
      .update(agentActions)
      .set({ version: sql`${agentActions.version} + 1` })
      .where(eq(agentActions.id, action.id));

    const stale = await appError(
      decideAction(db, riley, input({ actionId: action.id, version: 1, decision: "approve" })),
    );
    expect(stale.code).toBe("conflict:review");
    expect(stale.message).toContain("changed since you opened it");
    expect(await actionRow(db, action.id)).toMatchObject({ status: "pending_review", version: 2 });
    expect(await reviewsOf(db, action.id)).toEqual([]);
    expect(await outboxOf(db, action.id)).toEqual([]);
    expect(await auditOf(db, action.id)).toEqual([]);
    expect((await ticketRow(db, ticket.id)).status).toBe("awaiting_review");

    // With the current version, the same decision goes through.
    await expect(
      decideAction(db, riley, input({ actionId: action.id, version: 2, decision: "approve" })),
    ).resolves.toMatchObject({ actionStatus: "approved" });
  });

  it("reports an unknown action as not found", async () => {
    const missing = await appError(
      decideAction(db, riley, input({ actionId: crypto.randomUUID(), version: 1, decision: "approve" })),
    );
    expect(missing.code).toBe("not_found:action");
    expect(missing.status).toBe(404);
  });
});

describe.each(availableDrivers())("concurrent decisions on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let reviewers: Reviewer[];
  let draftReply: ReturnType<typeof replyDrafter>;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db, { now: NOW });
    reviewers = await insertReviewers(db, 20, `race-${driver}`);
    draftReply = replyDrafter(db);
  });
  afterAll(() => handle?.destroy());
  beforeEach(() => resetBreakers());

  /** Reviewer i's decision: approvals, edits, rejections and escalations, all on the version they opened. */
  function decisionOf(i: number, actionId: string, version: number): DecisionInput {
    const base = { actionId, version, comment: `reviewer ${i + 1}` };
    switch (i % 4) {
      case 0:
        return input({ ...base, decision: "approve", rating: 4 });
      case 1:
        return input({ ...base, decision: "reject", reason: `Reviewer ${i + 1} disagrees.` });
      case 2:
        return input({
          ...base,
          decision: "escalate",
          team: "support",
          reason: `Reviewer ${i + 1} escalates.`,
        });
      default:
        return input({ ...base, decision: "edit", finalText: `Edited by reviewer ${i + 1}.` });
    }
  }

  for (const round of [1, 2, 3]) {
    it(`lets exactly one of 20 simultaneous decisions win (round ${round})`, async () => {
      const { action } = await draftReply();
      const results = await Promise.allSettled(
        reviewers.map((reviewer, i) =>
          decideAction(db, reviewer, decisionOf(i + round, action.id, action.version)),
        ),
      );

      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const error of lost) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe("conflict:review");
      }

      const decided = await reviewsOf(db, action.id);
      expect(decided).toHaveLength(1);
      const winner = reviewers.find((r) => r.id === decided[0]?.reviewerId);
      expect(winner).toBeDefined();
      // Every loser is told who won.
      for (const error of lost)
        expect((error as AppError).message).toContain(`${winner?.name} already decided`);

      const after = await actionRow(db, action.id);
      expect(after.version).toBe(action.version + 1);
      const expectedStatus = {
        approve: "approved",
        edit: "approved",
        escalate: "escalated",
        reject: "rejected",
      };
      expect(after.status).toBe(expectedStatus[decided[0]?.decision ?? "approve"]);

      const sent = await outboxOf(db, action.id);
      expect(sent.length).toBeLessThanOrEqual(1);
      expect(sent).toHaveLength(decided[0]?.decision === "reject" ? 0 : 1);
      expect(await auditOf(db, action.id)).toHaveLength(1);
    });
  }

  it("settles the ticket's status when its two actions are rejected at the same moment", async () => {
    const ticket = await refundTicket(db);
    for (let round = 0; round < 5; round++) {
      const { refund, escalation } = await draftBlockedRefund(db, ticket);
      const [a, b] = reviewers;
      if (!a || !b) throw new Error("no reviewers");
      const outcomes = await Promise.all([
        decideAction(
          db,
          a,
          input({ actionId: refund.id, version: 1, decision: "reject", reason: "No refunds." }),
        ),
        decideAction(
          db,
          b,
          input({ actionId: escalation.id, version: 1, decision: "reject", reason: "Not needed." }),
        ),
      ]);
      // Whichever committed last saw nothing else waiting: the ticket is back to new, not stuck awaiting review.
      expect(outcomes.map((o) => o.ticketStatus)).toContain("new");
      expect((await ticketRow(db, ticket.id)).status).toBe("new");
    }
  });
});
