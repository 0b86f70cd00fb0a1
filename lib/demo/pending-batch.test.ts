import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, agentRuns, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { loadBatches } from "@/lib/review/batches";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { DEMO_AUTOPILOT_INTENT } from "./autopilot-evidence";
import { buildPendingBatch, DEMO_BATCH_PREFIX } from "./pending-batch";

const NOW = new Date("2026-11-01T12:00:00Z");

describe("the demo's pending batch", () => {
  let handle: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    await seedDemo(db, { now: NOW });
    // Two decided order-tracking replies of the demo history to copy from.
    const sources = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.demo, true), eq(tickets.triageIntent, DEMO_AUTOPILOT_INTENT)))
      .limit(2);
    for (const [i, source] of sources.entries()) {
      const [run] = await db
        .insert(agentRuns)
        .values({ ticketId: source.id, status: "succeeded", model: "offline", demo: true })
        .returning({ id: agentRuns.id });
      await db.insert(agentActions).values({
        runId: run?.id as string,
        ticketId: source.id,
        kind: "reply",
        status: "approved",
        decidedAt: NOW,
        payload: {
          text: `Hi ${i ? "Ada" : "Bo"},\n\nYou can follow your order under Account > Orders; the carrier's tracking link is in your shipping e-mail.`,
          citations: [],
          model: "offline",
        },
      });
    }
  });
  afterAll(() => handle?.destroy());

  it("adds similar pending order-tracking drafts that make one batch, once", async () => {
    expect(await buildPendingBatch(db, { size: 6, now: NOW })).toBe(6);
    expect(await buildPendingBatch(db, { size: 6, now: NOW })).toBe(0);
    const added = await db
      .select({
        externalId: tickets.externalId,
        status: agentActions.status,
        createdAt: agentActions.createdAt,
      })
      .from(tickets)
      .innerJoin(agentActions, eq(agentActions.ticketId, tickets.id))
      .where(like(tickets.externalId, `${DEMO_BATCH_PREFIX}%`));
    expect(added.map((a) => a.externalId).sort()).toEqual(
      ["001", "002", "003", "004", "005", "006"].map((n) => `${DEMO_BATCH_PREFIX}${n}`),
    );
    expect(added.every((a) => a.status === "pending_review" && a.createdAt < NOW)).toBe(true);
    const [reviewer] = await db.select().from(users).where(eq(users.email, "reviewer@example.com"));
    const batches = await loadBatches(db, { id: reviewer?.id as string, role: "reviewer" }, NOW);
    expect(batches.map((b) => [b.intent, b.size])).toEqual([[DEMO_AUTOPILOT_INTENT, 6]]);
  });
});
