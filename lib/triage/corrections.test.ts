import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { reviews, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { OFFLINE_MODEL_ID } from "@/lib/agent/offline/model";
import { runAgent } from "@/lib/agent/run";
import { decideAction } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { reviewCorrections } from "@/lib/triage/corrections";
import { createTestDatabase, type TestDatabase } from "@/test/db";

const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };

describe("reviewers' triage corrections", () => {
  let handle: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    await seedDemo(db, { now: new Date("2026-11-01T12:00:00Z"), ticketsPerIntent: 1 });
  }, 120_000);
  afterAll(() => handle?.destroy());

  it("stores triage on the ticket, keeps a correction with the review, and turns it into a training row", async () => {
    const [ticket] = await db.select().from(tickets).where(eq(tickets.externalId, "hand-security-1"));
    if (!ticket) throw new Error("no seeded stolen-card ticket");
    // seeded tickets carry the triage reading from the start
    expect(ticket).toMatchObject({ triageCategory: "security", triageIntent: "card_security" });

    const outcome = await runAgent(db, ticket.id, { models: OFFLINE, useCache: false });
    const escalation = outcome.actions.find((a) => a.kind === "escalation");
    if (!escalation) throw new Error("the stolen card was not escalated");
    const [reviewer] = await db.select({ id: users.id, name: users.name }).from(users).limit(1);
    const input = decisionSchema.parse({
      actionId: escalation.id,
      version: 1,
      decision: "approve",
      correctedIntent: "payment_issue",
      correctedCategory: "payments",
    });
    await decideAction(db, reviewer!, input);

    const [stored] = await db.select().from(reviews).where(eq(reviews.actionId, escalation.id));
    expect(stored).toMatchObject({ correctedIntent: "payment_issue", correctedCategory: "payments" });
    expect(await reviewCorrections(db)).toEqual([
      {
        dataset: "reviews",
        subject: ticket.subject,
        body: ticket.body,
        intent: "payment_issue",
        category: "payments",
        sourceLabel: "payment_issue",
        split: "train",
      },
    ]);
  });

  it("refuses an intent or category triage does not know", () => {
    const bad = decisionSchema.safeParse({
      actionId: "00000000-0000-4000-8000-000000000000",
      version: 1,
      decision: "approve",
      correctedCategory: "shipping",
    });
    expect(bad.error?.issues[0]?.message).toBe(
      "Pick a risk category: payments, account_data, legal, security, none.",
    );
  });
});
