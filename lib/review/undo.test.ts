import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, auditLog, outbox, reviews, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { OFFLINE_MODEL_ID } from "@/lib/agent/offline/model";
import { runAgent } from "@/lib/agent/run";
import { deliverOutboxRow } from "@/lib/delivery/deliver";
import { AppError } from "@/lib/errors";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { decideAction, type Reviewer } from "./decide";
import { decisionSchema } from "./schema";
import { undoDecision } from "./undo";

const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };
const FAST = {
  timeoutMs: 2_000,
  maxAttempts: 3,
  initialDelayMs: 1,
  maxDelayMs: 5,
  breakerThreshold: 5,
  halfOpenAfterMs: 1_000,
};

type Ticket = typeof tickets.$inferSelect;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("the undo window and follow-up replies", () => {
  let handle: TestDatabase;
  let db: Db;
  let riley: Reviewer;
  let avery: Reviewer;
  let candidates: Ticket[];

  /** Drafts seeded tickets until one has a pending reply; returns it with its version. */
  async function pendingReply(ticket?: Ticket) {
    const list = ticket ? [ticket] : candidates.splice(0);
    for (const t of list) {
      const outcome = await runAgent(db, t.id, { models: OFFLINE, resilience: FAST, useCache: false });
      const reply = outcome.actions.find((a) => a.kind === "reply" && a.status === "pending_review");
      if (!ticket) candidates = list.slice(list.indexOf(t) + 1);
      if (reply) {
        const [row] = await db.select().from(agentActions).where(eq(agentActions.id, reply.id));
        if (row) return { action: row, ticket: t };
      }
    }
    throw new Error("no seeded ticket yields a reply draft");
  }

  const approve = (actionId: string, version: number, extra: Record<string, unknown> = {}) =>
    decisionSchema.parse({ actionId, version, decision: "approve", ...extra });

  beforeAll(async () => {
    handle = await createTestDatabase(defaultDriver());
    db = handle.db;
    await seedDemo(db, { now: new Date("2026-11-01T12:00:00Z") });
    const people = await db.select({ id: users.id, name: users.name, email: users.email }).from(users);
    const find = (email: string) => {
      const p = people.find((u) => u.email === email);
      if (!p) throw new Error(`no seeded user ${email}`);
      return { id: p.id, name: p.name };
    };
    riley = find("reviewer@example.com");
    avery = find("admin@example.com");
    candidates = (await db.select().from(tickets).orderBy(asc(tickets.externalId))).filter(
      (t) => (t.intent === "track_order" && /\bORD-\d{6}\b/.test(t.body)) || t.intent === "delivery_options",
    );
  });
  afterAll(() => handle?.destroy());

  it("holds an approval's message until its release time: delivery refuses to send it early", async () => {
    const { action } = await pendingReply();
    const outcome = await decideAction(db, riley, approve(action.id, action.version));
    expect(outcome.releaseAt?.getTime()).toBeGreaterThan(Date.now());
    expect(await deliverOutboxRow(db, outcome.outboxId ?? "")).toBe("held");
    const [row] = await db
      .select()
      .from(outbox)
      .where(eq(outbox.id, outcome.outboxId ?? ""));
    expect(row).toMatchObject({ status: "pending", attempts: 0, sentAt: null });
    // Once released, it goes out.
    await db
      .update(outbox)
      .set({ releaseAt: sql`now() - interval '1 second'` })
      .where(eq(outbox.id, row?.id ?? ""));
    expect(await deliverOutboxRow(db, outcome.outboxId ?? "")).toBe("sent");
  });

  it("undo inside the window: no review, no outbox row, the action waits again, audited; never delivered", async () => {
    const { action, ticket } = await pendingReply();
    const outcome = await decideAction(db, riley, approve(action.id, action.version));
    expect(await rejection(undoDecision(db, avery, outcome.reviewId))).toMatchObject({
      code: "forbidden:undo",
    });
    const undone = await undoDecision(db, riley, outcome.reviewId);
    expect(undone).toMatchObject({ actionId: action.id, ticketStatus: "awaiting_review" });
    expect(await db.select().from(reviews).where(eq(reviews.actionId, action.id))).toEqual([]);
    expect(await db.select().from(outbox).where(eq(outbox.actionId, action.id))).toEqual([]);
    const [after] = await db.select().from(agentActions).where(eq(agentActions.id, action.id));
    expect(after).toMatchObject({ status: "pending_review", version: action.version + 2, decidedAt: null });
    const [t] = await db.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, ticket.id));
    expect(t?.status).toBe("awaiting_review");
    const audit = await db.select().from(auditLog).where(eq(auditLog.entityId, action.id));
    expect(audit.map((a) => a.action)).toEqual(["review.approve", "review.undo"]);
    // A job for the undone message finds nothing to send.
    expect(await deliverOutboxRow(db, outcome.outboxId ?? "")).toBe("dead");
  });

  it("undo after the release time is refused and the message stays", async () => {
    const { action } = await pendingReply();
    const outcome = await decideAction(db, riley, approve(action.id, action.version));
    await db
      .update(outbox)
      .set({ releaseAt: sql`now() - interval '1 second'` })
      .where(eq(outbox.id, outcome.outboxId ?? ""));
    expect(await rejection(undoDecision(db, riley, outcome.reviewId))).toMatchObject({
      code: "conflict:undo",
    });
    expect(await db.select().from(outbox).where(eq(outbox.actionId, action.id))).toHaveLength(1);
    expect(await db.select().from(reviews).where(eq(reviews.actionId, action.id))).toHaveLength(1);
  });

  it("a message a delivery has claimed cannot be undone, even inside the window", async () => {
    const { action } = await pendingReply();
    const outcome = await decideAction(db, riley, approve(action.id, action.version));
    await db
      .update(outbox)
      .set({ claimedUntil: sql`now() + interval '1 minute'` })
      .where(eq(outbox.id, outcome.outboxId ?? ""));
    expect(await rejection(undoDecision(db, riley, outcome.reviewId))).toMatchObject({
      code: "conflict:undo",
    });
    expect(await db.select().from(outbox).where(eq(outbox.actionId, action.id))).toHaveLength(1);
    expect(await db.select().from(reviews).where(eq(reviews.actionId, action.id))).toHaveLength(1);
  });

  it("a redraft after a sent reply is a follow-up: approving it without acknowledging is refused", async () => {
    const { action, ticket } = await pendingReply();
    await decideAction(db, riley, approve(action.id, action.version));
    const [resolved] = await db
      .select({ status: tickets.status })
      .from(tickets)
      .where(eq(tickets.id, ticket.id));
    expect(resolved?.status).toBe("resolved");
    const second = await pendingReply(ticket);
    const error = await rejection(decideAction(db, riley, approve(second.action.id, second.action.version)));
    expect(error.code).toBe("conflict:follow_up");
    expect(error.message).toContain("already got a reply");
    // Nothing of the refused decision was written: one reply in the outbox, the follow-up still pending.
    expect(await db.select().from(outbox).where(eq(outbox.ticketId, ticket.id))).toHaveLength(1);
    const [still] = await db.select().from(agentActions).where(eq(agentActions.id, second.action.id));
    expect(still?.status).toBe("pending_review");
    // Rejecting the follow-up leaves the ticket resolved (its reply went out), not new.
    const rejected = await decideAction(
      db,
      riley,
      decisionSchema.parse({
        actionId: second.action.id,
        version: second.action.version,
        decision: "reject",
        reason: "Already answered",
      }),
    );
    expect(rejected.ticketStatus).toBe("resolved");
  });

  it("an acknowledged follow-up is sent as a second reply", async () => {
    const { action, ticket } = await pendingReply();
    await decideAction(db, riley, approve(action.id, action.version));
    const second = await pendingReply(ticket);
    const outcome = await decideAction(
      db,
      riley,
      approve(second.action.id, second.action.version, { followUpAcknowledged: true }),
    );
    expect(outcome.ticketStatus).toBe("resolved");
    expect(await db.select().from(outbox).where(eq(outbox.ticketId, ticket.id))).toHaveLength(2);
  });
});
