import { and, eq } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentActions, outbox, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { createApiKey } from "@/lib/auth/api-keys";
import { createIngestHandlers } from "@/lib/ingest/http";
import { createRateLimiter } from "@/lib/ingest/rate-limit";
import { enqueueDeliveries, enqueueDrafts, startQueue } from "@/lib/jobs/queue";
import { decideAction } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "@/test/otlp-receiver";
import { startTracing, type Tracing } from "./start";

async function waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string): Promise<T> {
  const deadline = Date.now() + 25_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("OpenTelemetry traces", () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing | null;
  let handle: TestDatabase;
  let boss: PgBoss | undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stubEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
    tracing = await startTracing("countersign-test");
    handle = await createTestDatabase(defaultDriver());
    await seedDemo(handle.db, { now: new Date("2026-11-01T12:00:00Z") });
  });

  afterAll(async () => {
    await boss?.stop({ graceful: true, wait: true });
    await tracing?.shutdown();
    await receiver?.close();
    await handle?.destroy();
    restoreEnv();
  });

  it("puts one ticket's ingest, drafting job, agent run, model and tool calls, decision and delivery in one trace", async () => {
    expect(tracing).not.toBeNull();
    const queue = await startQueue(handle);
    boss = queue;
    const key = (await createApiKey(handle.db, { name: "helpdesk", scopes: ["tickets:ingest"] })).key;
    const handlers = createIngestHandlers({
      db: async () => handle.db,
      enqueueDrafts: (ids) =>
        enqueueDrafts(
          queue,
          ids.map((ticketId) => ({ ticketId })),
        ),
      rateLimiter: createRateLimiter(1_000_000),
      log: { error: () => {} },
    });
    const response = await handlers.postTicket(
      new Request("http://localhost/api/v1/tickets", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({
          externalId: "trace-1",
          from: "casey@example.com",
          channel: "email",
          subject: "Where is my order?",
          body: "I ordered a kettle last week and nothing has arrived. Can you check where it is?",
        }),
      }),
    );
    expect(response.status).toBe(201);
    const [ticket] = await handle.db.select().from(tickets).where(eq(tickets.externalId, "trace-1"));
    if (!ticket) throw new Error("the ticket was not stored");
    // The ticket keeps its ingest's trace context, for the work that follows in other processes.
    expect(ticket.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const traceId = ticket.traceparent?.split("-")[1];

    // The queue drafts it; the reviewer approves the reply.
    const action = await waitFor(async () => {
      const [row] = await handle.db
        .select()
        .from(agentActions)
        .where(and(eq(agentActions.ticketId, ticket.id), eq(agentActions.status, "pending_review")));
      return row;
    }, "the drafted action");
    const [reviewer] = await handle.db.select({ id: users.id, name: users.name }).from(users).limit(1);
    if (!reviewer) throw new Error("no seeded user");
    await handle.db
      .update(agentActions)
      .set({ claimedBy: reviewer.id, claimExpiresAt: new Date(Date.now() + 60_000) })
      .where(eq(agentActions.id, action.id));
    const decision = await decideAction(
      handle.db,
      reviewer,
      decisionSchema.parse({
        actionId: action.id,
        version: action.version,
        decision: "approve",
        rating: 5,
        followUpAcknowledged: true,
      }),
    );
    const outboxId = decision.outboxId;
    if (!outboxId) throw new Error("the approval queued no message");
    const [queued] = await handle.db.select().from(outbox).where(eq(outbox.id, outboxId));
    expect(queued?.traceparent?.split("-")[1]).toBe(traceId);
    // Past the undo window at once, so the delivery job runs now.
    await handle.db.update(outbox).set({ releaseAt: new Date() }).where(eq(outbox.id, outboxId));
    await enqueueDeliveries(queue, [outboxId]);
    await waitFor(async () => {
      const [row] = await handle.db
        .select({ status: outbox.status })
        .from(outbox)
        .where(eq(outbox.id, outboxId));
      return row?.status === "sent";
    }, "the delivery");

    await waitFor(async () => {
      await tracing?.flush();
      return receiver.spans.some((s) => s.name === "countersign.delivery" && s.traceId === traceId);
    }, "the delivery span");
    const trace = receiver.spans.filter((s) => s.traceId === traceId);
    const names = new Set(trace.map((s) => s.name));
    for (const name of [
      "countersign.ingest",
      "countersign.job.draft-ticket",
      "countersign.agent.run",
      "invoke_agent countersign.agent.plan",
      "countersign.review.decide",
      "countersign.job.deliver-outbox",
      "countersign.delivery",
    ]) {
      expect(names, `span ${name} in the ticket's trace (${[...names].join(", ")})`).toContain(name);
    }
    // Model calls with the GenAI semantic conventions, and tool calls behind the guardrail gate.
    const chat = trace.filter((s) => s.name.startsWith("chat "));
    expect(chat.length).toBeGreaterThan(0);
    expect(attribute(chat[0], "gen_ai.operation.name")).toBe("chat");
    expect(trace.some((s) => s.name.startsWith("execute_tool "))).toBe(true);
    expect(trace.some((s) => s.name.startsWith("countersign.tool."))).toBe(true);

    // The hierarchy: job under ingest, run under job, delivery under its job under the decision.
    const byName = (name: string) => trace.find((s) => s.name === name) as ReceivedSpan;
    expect(byName("countersign.job.draft-ticket").parentSpanId).toBe(byName("countersign.ingest").spanId);
    expect(byName("countersign.agent.run").parentSpanId).toBe(byName("countersign.job.draft-ticket").spanId);
    expect(byName("countersign.job.deliver-outbox").parentSpanId).toBe(
      byName("countersign.review.decide").spanId,
    );
    expect(byName("countersign.delivery").parentSpanId).toBe(byName("countersign.job.deliver-outbox").spanId);
    expect(attribute(byName("countersign.review.decide"), "countersign.review.decision")).toBe("approve");
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(["countersign-test"]));
  }, 60_000);
});

function attribute(span: ReceivedSpan | undefined, key: string): unknown {
  const value = span?.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.boolValue ?? value?.intValue;
}
