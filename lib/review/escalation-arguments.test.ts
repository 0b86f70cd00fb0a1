import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, outbox, reviews, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { resetBreakers } from "@/lib/agent/models/resilience";
import { OFFLINE_MODEL_ID } from "@/lib/agent/offline/model";
import { runAgent } from "@/lib/agent/run";
import type { EscalationPayload } from "@/lib/agent/types";
import { AppError } from "@/lib/errors";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { ticketEscalations } from "@/lib/guardrails/evaluate";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { decideAction, type Reviewer } from "./decide";
import { decisionSchema } from "./schema";

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

describe("approving an escalation with edited arguments", () => {
  let handle: TestDatabase;
  let db: Db;
  let riley: Reviewer;
  let escalation: Action;

  beforeAll(async () => {
    resetBreakers();
    handle = await createTestDatabase(defaultDriver());
    db = handle.db;
    await seedDemo(db, { now: NOW });
    const [person] = await db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(eq(users.email, "reviewer@example.com"));
    if (!person) throw new Error("no seeded reviewer");
    riley = person;
    // A refund request: the published policy sends it to billing, and the agent proposes an escalation.
    const all = await db.select().from(tickets).orderBy(asc(tickets.externalId));
    for (const ticket of all) {
      const required = ticketEscalations(DEFAULT_RULES, { text: `${ticket.subject}\n${ticket.body}` });
      if (!required.length || required.some((r) => r.team !== "billing")) continue;
      const outcome = await runAgent(db, ticket.id, { models: OFFLINE, resilience: FAST, useCache: false });
      const proposed = outcome.actions.find((a) => a.kind === "escalation" && a.status === "pending_review");
      if (!proposed) continue;
      const [row] = await db.select().from(agentActions).where(eq(agentActions.id, proposed.id));
      if (row) {
        escalation = row;
        break;
      }
    }
    if (!escalation) throw new Error("no seeded ticket the agent escalates to billing");
  });
  afterAll(() => handle?.destroy());

  const approve = (args: Record<string, unknown>) =>
    decisionSchema.parse({
      actionId: escalation.id,
      version: escalation.version,
      decision: "approve",
      arguments: args,
    });

  it("refuses a team that is not one of the teams, naming the field", () => {
    const parsed = decisionSchema.safeParse({
      actionId: escalation.id,
      version: 1,
      decision: "approve",
      arguments: { team: "marketing", urgency: "high" },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ["arguments", "team"],
      message: "Choose a team: support, billing, legal, privacy, security.",
    });
  });

  it("refuses a team the published policy does not send the ticket to, and stores nothing", async () => {
    const error = await decideAction(db, riley, approve({ team: "legal", urgency: "high" })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    const refused = error as AppError;
    expect(refused.code).toBe("bad_request:review");
    expect(refused.message).toMatch(/^Team: the policy \(.+\) sends this ticket to billing, not legal\./);
    expect(refused.details).toEqual({ fieldErrors: { team: [refused.message] } });
    const [action] = await db.select().from(agentActions).where(eq(agentActions.id, escalation.id));
    expect(action).toMatchObject({ status: "pending_review", version: escalation.version });
    expect(await db.select().from(reviews).where(eq(reviews.actionId, escalation.id))).toEqual([]);
    expect(await db.select().from(outbox).where(eq(outbox.actionId, escalation.id))).toEqual([]);
  });

  it("stores the edited arguments as the review's final arguments and sends them", async () => {
    const proposed = escalation.payload as EscalationPayload;
    const outcome = await decideAction(
      db,
      riley,
      approve({ team: "billing", urgency: "low", note: "  Customer is a long-time buyer.  " }),
    );
    expect(outcome).toMatchObject({ actionStatus: "approved", ticketStatus: "escalated" });
    const [review] = await db.select().from(reviews).where(eq(reviews.actionId, escalation.id));
    expect(review?.decision).toBe("approve");
    expect(review?.finalArguments).toEqual({
      team: "billing",
      urgency: "low",
      reason: proposed.reason,
      note: "Customer is a long-time buyer.",
    });
    const [sent] = await db.select().from(outbox).where(eq(outbox.actionId, escalation.id));
    expect(sent?.payload).toMatchObject({
      kind: "escalation",
      team: "billing",
      reason: proposed.reason,
      note: "Customer is a long-time buyer.",
    });
  });
});
