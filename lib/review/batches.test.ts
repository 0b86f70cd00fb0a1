import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import {
  agentActions,
  agentRuns,
  auditLog,
  outbox,
  reviewGroupMembers,
  reviewGroups,
  reviews,
  tickets,
  users,
} from "@/db/schema";
import { queueScope } from "@/lib/routing/scope";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { insertReviewers, type Person } from "@/test/review-actions";
import { decideBatch, describeBatchResult } from "./batch-decide";
import { encodeBatchKey, loadBatch, loadBatches, MAX_BATCH } from "./batches";

// The server action runs as in the app: a real scope check against the database. Only what
// Vitest cannot provide is replaced: the app's database singleton, the Auth.js session, Next's
// cache revalidation and the job queue.
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as { user: { id: string; sessionId: string; sessionVersion: number } } | null,
}));
vi.mock("@/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db")>()),
  getDb: async () => state.db,
}));
vi.mock("@/lib/auth/index", () => ({ auth: async () => state.session }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/jobs/app-queue", () => ({
  appQueue: async () => {
    throw new Error("no job queue in this test");
  },
}));
const { decideBatchAction } = await import("@/app/(app)/queue/batches/actions");

const NOW = new Date("2026-11-01T12:00:00Z");
const NAMES = ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jo"];
const whereIsMyOrder = (i: number) =>
  `Hi ${NAMES[i % NAMES.length]},\n\nYour order ORD-${100200 + i} left our warehouse and is on its way. ` +
  "You can follow it under Account > Orders, and the carrier's tracking link is in your shipping e-mail.\n\n" +
  "Best regards,\nCountersign Shop support";
const NOT_FOUND =
  "We are sorry: no purchase matches this address. Could you send the number printed on your receipt, please?";

describe.each(availableDrivers())("batch review on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let reviewer: Person;
  let other: Person;
  let admin: Person;
  let n = 0;

  /** A ticket triaged as `intent` with one pending reply draft saying `text`. */
  async function draft(intent: string, text: string, extra: { groupId?: string; claimedBy?: string } = {}) {
    n++;
    const createdAt = new Date(NOW.getTime() - (1000 - n) * 60_000);
    const [ticket] = await db
      .insert(tickets)
      .values({
        externalId: `batch-${n}`,
        fromEmail: `customer-${n}@example.test`,
        subject: "Where is my order?",
        body: "I ordered a week ago and nothing has arrived.",
        status: "awaiting_review",
        triageIntent: intent,
        triageCategory: "none",
        triageConfidence: 0.9,
        createdAt,
      })
      .returning({ id: tickets.id });
    const ticketId = ticket?.id as string;
    const [run] = await db
      .insert(agentRuns)
      .values({ ticketId, status: "succeeded", model: "offline", startedAt: createdAt, endedAt: createdAt })
      .returning({ id: agentRuns.id });
    const [action] = await db
      .insert(agentActions)
      .values({
        runId: run?.id as string,
        ticketId,
        kind: "reply",
        payload: { text, citations: [], model: "offline" },
        groupId: extra.groupId ?? null,
        claimedBy: extra.claimedBy ?? null,
        claimExpiresAt: extra.claimedBy ? new Date(Date.now() + 3_600_000) : null,
        createdAt,
      })
      .returning({ id: agentActions.id, version: agentActions.version });
    return { actionId: action?.id as string, version: action?.version as number, ticketId };
  }

  const as = (user: Person | null) => {
    state.session = user
      ? { user: { id: user.id, sessionId: crypto.randomUUID(), sessionVersion: 0 } }
      : null;
  };

  const similar: Awaited<ReturnType<typeof draft>>[] = [];
  let outlier: Awaited<ReturnType<typeof draft>>;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    state.db = db;
    [reviewer, other] = (await insertReviewers(db, 2, "batch-reviewer")) as [Person, Person];
    [admin] = (await insertReviewers(db, 1, "batch-admin")) as [Person];
    await db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
    admin = { ...admin, role: "admin" };
    for (let i = 0; i < 20; i++) similar.push(await draft("track_order", whereIsMyOrder(i)));
    outlier = await draft("track_order", NOT_FOUND);
    // The same template under another intent is another batch.
    await draft("cancel_order", whereIsMyOrder(1));
    await draft("cancel_order", whereIsMyOrder(2));
    // Held live by someone else: left out.
    await draft("track_order", whereIsMyOrder(3), {
      claimedBy: (await insertReviewers(db, 1, "holder"))[0]?.id,
    });
  });
  afterAll(() => handle?.destroy());

  it("puts 20 similar drafts of one intent in one batch, largest first, and a dissimilar one out of it", async () => {
    const batches = await loadBatches(db, reviewer, NOW);
    expect(batches.map((b) => [b.intent, b.size])).toEqual([
      ["track_order", 20],
      ["cancel_order", 2],
    ]);
    const [first] = batches;
    const batch = await loadBatch(db, first?.key as string, reviewer, NOW);
    expect(batch?.drafts.map((d) => d.actionId).sort()).toEqual(similar.map((s) => s.actionId).sort());
    expect(batch?.drafts.map((d) => d.actionId)).not.toContain(outlier.actionId);
    expect(batch?.drafts.every((d) => d.similarity >= 0.5)).toBe(true);
    expect(first?.commonDraft).toBe(batch?.commonDraft);
  });

  it("refuses a forged or unknown batch key", async () => {
    expect(await loadBatch(db, "not-a-key", reviewer, NOW)).toBeNull();
    expect(await loadBatch(db, encodeBatchKey("track_order", crypto.randomUUID()), reviewer, NOW)).toBeNull();
  });

  it("the server action refuses a caller who is not signed in, and bad payloads with a clear message", async () => {
    const items = [{ actionId: similar[0]?.actionId, version: 1 }];
    as(null);
    expect(await decideBatchAction({ decision: "approve", items })).toEqual({
      ok: false,
      error: "You are not signed in. Sign in and try again.",
    });
    as(reviewer);
    const refusals = await Promise.all([
      decideBatchAction({ decision: "approve", items: [] }),
      decideBatchAction({
        decision: "approve",
        items: Array.from({ length: MAX_BATCH + 1 }, () => ({ actionId: crypto.randomUUID(), version: 1 })),
      }),
      decideBatchAction({ decision: "reject", items }),
      decideBatchAction({ decision: "approve", items: [{ actionId: "nope", version: 1 }] }),
      decideBatchAction({ decision: "send everything", items }),
      decideBatchAction("junk"),
    ]);
    expect(refusals.map((r) => (r.ok ? "accepted" : r.error))).toEqual([
      "Select at least one draft: x or Space toggles the current one, or use Select all.",
      `Decide at most ${MAX_BATCH} drafts at once: select fewer.`,
      "A rejection needs a reason, so the agent and the team can learn from it.",
      "A draft's id is not valid: reload the batch.",
      "Choose to approve or reject the selected drafts.",
      "Choose to approve or reject the selected drafts.",
    ]);
    expect(await db.select().from(reviews)).toEqual([]);
  });

  it("approves 20 drafts as 20 decisions: 20 reviews, 20 audit entries, 20 outbox rows", async () => {
    as(reviewer);
    const result = await decideBatchAction({
      decision: "approve",
      items: similar.map(({ actionId, version }) => ({ actionId, version })),
    });
    expect(result.ok).toBe(true);
    // The job queue is down in this test: the decisions are saved all the same, and it says so.
    expect(result.ok && result.message).toMatch(/^20 approved\. Your decisions are saved/);
    expect(result.ok && result.data?.decided.length).toBe(20);
    const ids = similar.map((s) => s.actionId);
    const saved = await db.select().from(reviews).where(inArray(reviews.actionId, ids));
    expect(saved).toHaveLength(20);
    expect(saved.every((r) => r.decision === "approve" && r.reviewerId === reviewer.id)).toBe(true);
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "review.approve"), inArray(auditLog.entityId, ids)));
    expect(audits).toHaveLength(20);
    // One transaction per decision: each audit entry names its own review.
    expect(new Set(audits.map((a) => (a.data as { reviewId: string }).reviewId))).toEqual(
      new Set(saved.map((r) => r.id)),
    );
    const sent = await db.select().from(outbox).where(inArray(outbox.actionId, ids));
    expect(sent).toHaveLength(20);
    const statuses = await db
      .select({ status: agentActions.status })
      .from(agentActions)
      .where(inArray(agentActions.id, ids));
    expect(statuses.every((s) => s.status === "approved")).toBe(true);
    // Decided drafts leave the batches.
    expect((await loadBatches(db, reviewer, NOW)).map((b) => b.intent)).toEqual(["cancel_order"]);
  });

  it("a stale version skips that draft only: the others are decided, the result says why", async () => {
    const fresh = [];
    for (let i = 0; i < 4; i++) fresh.push(await draft("track_refund", whereIsMyOrder(i)));
    const [stale] = fresh;
    // Someone decided it since the batch was opened.
    await db
      .update(agentActions)
      .set({ version: 2 })
      .where(eq(agentActions.id, stale?.actionId as string));
    const result = await decideBatch(db, reviewer, null, {
      decision: "reject",
      reason: "Ask for the order number first.",
      items: fresh.map(({ actionId, version }) => ({ actionId, version })),
    });
    expect([result.decided, result.changed, result.skipped, result.failed]).toEqual([3, 1, 0, 0]);
    expect(describeBatchResult(result)).toBe("3 rejected; 1 changed since you opened the batch — skipped");
    const saved = await db
      .select({ actionId: reviews.actionId, reason: reviews.reason })
      .from(reviews)
      .where(
        inArray(
          reviews.actionId,
          fresh.map((f) => f.actionId),
        ),
      );
    expect(saved.map((s) => s.actionId).sort()).toEqual(
      fresh
        .slice(1)
        .map((f) => f.actionId)
        .sort(),
    );
    expect(saved.every((s) => s.reason === "Ask for the order number first.")).toBe(true);
  });

  it("respects routing: only the viewer's groups' drafts are batched and decided", async () => {
    const [frontline] = await db
      .insert(reviewGroups)
      .values({ name: "Frontline", isDefault: true })
      .returning({ id: reviewGroups.id });
    const [billing] = await db
      .insert(reviewGroups)
      .values({ name: "Billing" })
      .returning({ id: reviewGroups.id });
    await db.insert(reviewGroupMembers).values({ groupId: billing?.id as string, userId: other.id });
    const mine = [];
    const theirs = [];
    for (let i = 0; i < 3; i++)
      mine.push(await draft("delivery_period", whereIsMyOrder(i), { groupId: frontline?.id }));
    for (let i = 0; i < 3; i++)
      theirs.push(await draft("delivery_period", whereIsMyOrder(i), { groupId: billing?.id }));

    // The reviewer is in no group, so works the default one; the other reviewer works Billing.
    const reviewerBatches = await loadBatches(db, reviewer, NOW);
    expect(reviewerBatches.map((b) => [b.intent, b.size])).toEqual([["delivery_period", 3]]);
    const reviewerBatch = await loadBatch(db, reviewerBatches[0]?.key as string, reviewer, NOW);
    expect(reviewerBatch?.drafts.map((d) => d.actionId).sort()).toEqual(mine.map((m) => m.actionId).sort());
    // A batch of another group's drafts cannot be opened by key either.
    const otherBatches = await loadBatches(db, other, NOW);
    expect(otherBatches.map((b) => b.size)).toEqual([3]);
    expect(await loadBatch(db, otherBatches[0]?.key as string, reviewer, NOW)).toBeNull();
    // An admin sees every group.
    expect((await loadBatches(db, admin, NOW)).find((b) => b.intent === "delivery_period")?.size).toBe(6);

    const result = await decideBatch(db, reviewer, await queueScope(db, reviewer), {
      decision: "approve",
      items: [...mine, ...theirs].map(({ actionId, version }) => ({ actionId, version })),
    });
    expect([result.decided, result.skipped]).toEqual([3, 3]);
    expect(
      result.items.filter((i) => i.outcome === "skipped").map((i) => "message" in i && i.message),
    ).toEqual(Array(3).fill("This draft is not in your review groups' queues."));
  });
});
