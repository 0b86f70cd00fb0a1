import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, outbox, reviews, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import type { UserPrincipal } from "@/lib/auth/guards";
import { ROLE_SCOPES } from "@/lib/auth/scopes";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { draftTicket } from "@/test/guardrail-history";
import { type DecisionFollowUp, decisionRoute } from "./decisions";

const NOW = new Date("2026-11-01T12:00:00Z");

describe("POST /api/v1/actions/{id}/decision", () => {
  let handle: TestDatabase;
  let db: Db;
  let reviewer: UserPrincipal;
  let signedIn: UserPrincipal | null;
  const queued: DecisionFollowUp[] = [];
  let route: ReturnType<typeof decisionRoute>;

  const send = (actionId: string, body: unknown, origin = "http://localhost") =>
    route(
      new Request(`http://localhost/api/v1/actions/${actionId}/decision`, {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: JSON.stringify(body),
      }),
      { params: Promise.resolve({ id: actionId }) },
    );

  /** A reply draft waiting for review on a freshly drafted demo ticket. */
  async function pendingReply(): Promise<{ id: string; version: number; ticketId: string }> {
    const candidates = await db
      .select({ externalId: tickets.externalId })
      .from(tickets)
      .where(eq(tickets.status, "new"));
    for (const { externalId } of candidates) {
      const drafted = await draftTicket(db, externalId);
      const reply = drafted.actions.find((a) => a.kind === "reply" && a.status === "pending_review");
      if (reply) return { id: reply.id, version: reply.version, ticketId: drafted.ticketId };
    }
    throw new Error("no demo ticket drafted to a reply waiting for review");
  }

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    await seedDemo(db, { now: NOW, ticketsPerIntent: 1 });
    const [row] = await db.select().from(users).where(eq(users.role, "reviewer"));
    if (!row) throw new Error("no reviewer seeded");
    reviewer = {
      kind: "user",
      id: row.id,
      email: row.email,
      name: row.name,
      role: "reviewer",
      scopes: ROLE_SCOPES.reviewer,
    };
    route = decisionRoute({
      db: async () => db,
      user: async () => signedIn,
      queueAfterDecision: async (work) => {
        queued.push(work);
      },
    });
  });
  afterAll(() => handle?.destroy());

  it("approves for a signed-in reviewer: review and outbox row stored, delivery queued after the undo window", async () => {
    signedIn = reviewer;
    const action = await pendingReply();
    const response = await send(action.id, { decision: "approve", version: action.version });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ticketStatus: string; releaseAt: string; queued: boolean };
    expect(body).toMatchObject({ ticketStatus: "resolved", queued: true });

    const [stored] = await db.select().from(reviews).where(eq(reviews.actionId, action.id));
    expect(stored).toMatchObject({ decision: "approve", reviewerId: reviewer.id });
    const [row] = await db.select().from(outbox).where(eq(outbox.actionId, action.id));
    expect(row?.status).toBe("pending");
    expect(queued.at(-1)).toEqual({ outboxId: row?.id, releaseAt: row?.releaseAt, redraft: null });
    expect(new Date(body.releaseAt).getTime()).toBe(row?.releaseAt.getTime());

    // A second decision on the same action loses, and changes nothing.
    const again = await send(action.id, { decision: "reject", version: action.version, reason: "late" });
    expect(again.status).toBe(409);
    const [after] = await db
      .select({ status: agentActions.status })
      .from(agentActions)
      .where(eq(agentActions.id, action.id));
    expect(after?.status).toBe("approved");
  });

  it("refuses anonymous, cross-site and malformed requests without storing a decision", async () => {
    const action = await pendingReply();
    signedIn = null;
    expect((await send(action.id, { decision: "approve", version: action.version })).status).toBe(401);
    signedIn = reviewer;
    const foreign = await send(
      action.id,
      { decision: "approve", version: action.version },
      "https://evil.example",
    );
    expect(foreign.status).toBe(403);
    const malformed = await send(action.id, { decision: "reject", version: action.version });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toMatch(
      /needs a reason/,
    );
    const notAnId = await send("not-a-uuid", { decision: "approve", version: 1 });
    expect(notAnId.status).toBe(400);

    const decided = await db
      .select()
      .from(reviews)
      .where(and(eq(reviews.actionId, action.id)));
    expect(decided).toEqual([]);
  });

  it("queues the redraft a rejection with guidance asks for", async () => {
    signedIn = reviewer;
    const action = await pendingReply();
    const response = await send(action.id, {
      decision: "reject",
      version: action.version,
      reason: "Wrong order",
      redraftGuidance: "Look up the latest order.",
    });
    expect(response.status).toBe(200);
    expect(queued.at(-1)).toEqual({
      outboxId: null,
      releaseAt: null,
      redraft: { ticketId: action.ticketId, guidance: "Look up the latest order.", triggeredBy: reviewer.id },
    });
  });
});
