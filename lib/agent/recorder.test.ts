import type { LanguageModelV4Content, LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import { agentRuns, agentSteps, policyVersions, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { LIMITS } from "./limits";
import { OFFLINE_MODEL_ID } from "./offline/model";
import { StepRecorder } from "./recorder";
import { runAgent } from "./run";

const USAGE = {
  inputTokens: { total: 30, noCache: 30, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 10, text: 10, reasoning: 0 },
};
const result = (content: LanguageModelV4Content[], tools: boolean): LanguageModelV4GenerateResult => ({
  content,
  finishReason: tools ? { unified: "tool-calls", raw: "tool_calls" } : { unified: "stop", raw: "stop" },
  usage: USAGE,
  warnings: [],
});

/** Searches the knowledge base, then waits for `release` before it escalates (a slow model). */
function slowModel(release: Promise<void>) {
  let calls = 0;
  return new MockLanguageModelV4({
    provider: "scripted",
    modelId: "slow",
    doGenerate: async ({ tools }) => {
      if (!tools?.length) return result([{ type: "text", text: '{"verdict":"ok","notes":[]}' }], false);
      calls++;
      if (calls === 1) {
        const input = JSON.stringify({ query: "where is my order" });
        return result(
          [{ type: "tool-call", toolCallId: "s1", toolName: "search_knowledge_base", input }],
          true,
        );
      }
      if (calls === 2) {
        await release;
        const input = JSON.stringify({ reason: "Needs a person.", team: "support", urgency: "normal" });
        return result([{ type: "tool-call", toolCallId: "s2", toolName: "escalate_to_human", input }], true);
      }
      return result([{ type: "text", text: "Escalated." }], false);
    },
  });
}

const stepsOf = (db: Db, runId: string) =>
  db
    .select({ seq: agentSteps.seq, kind: agentSteps.kind, name: agentSteps.name })
    .from(agentSteps)
    .where(eq(agentSteps.runId, runId))
    .orderBy(asc(agentSteps.seq));

describe.each(availableDrivers())("the step recorder (%s)", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let ticketIds: string[];

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db);
    ticketIds = (
      await db.select({ id: tickets.id }).from(tickets).orderBy(asc(tickets.externalId)).limit(3)
    ).map((t) => t.id);
  });
  afterAll(() => handle?.destroy());

  it("stores the chain while a run works, then the rest with the outcome", async () => {
    const ticketId = ticketIds[0] ?? "";
    let release = () => {};
    const model = slowModel(new Promise<void>((resolve) => (release = resolve)));
    const running = runAgent(db, ticketId, {
      useCache: false,
      models: { small: "scripted:slow", large: "scripted:slow", fallback: OFFLINE_MODEL_ID },
      resolveModel: () => model,
    });
    const [run] = await vi.waitFor(
      async () => {
        const rows = await db
          .select({ id: agentRuns.id })
          .from(agentRuns)
          .where(eq(agentRuns.ticketId, ticketId));
        expect(rows).toHaveLength(1);
        return rows;
      },
      { timeout: 5_000, interval: 20 },
    );
    const runId = run?.id ?? "";

    // While the model thinks, the steps taken so far reach the database within the flush interval.
    const waited = performance.now();
    const live = await vi.waitFor(
      async () => {
        const steps = await stepsOf(db, runId);
        const kinds = steps.map((s) => s.kind);
        expect(kinds.slice(0, 2)).toEqual(["triage", "route"]);
        expect(kinds.slice(-2)).toEqual(["plan", "tool_call"]);
        return steps;
      },
      { timeout: 5_000, interval: 20 },
    );
    expect(performance.now() - waited).toBeLessThan(LIMITS.stepFlushMs + 2_000);
    expect(live.map((s) => s.seq)).toEqual(live.map((_, i) => i + 1));
    const [totals] = await db
      .select({ status: agentRuns.status, inputTokens: agentRuns.inputTokens })
      .from(agentRuns)
      .where(eq(agentRuns.id, runId));
    // The running totals travel with the steps.
    expect(totals).toEqual({ status: "running", inputTokens: 30 });

    release();
    const outcome = await running;
    expect(outcome.status).toBe("succeeded");
    const steps = await stepsOf(db, runId);
    expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i + 1));
    expect(steps.length).toBeGreaterThan(live.length);
    expect(steps.slice(0, live.length)).toEqual(live);
  });

  it("keeps the steps of a transaction that rolled back for the next one", async () => {
    const ticketId = ticketIds[1] ?? "";
    const [policy] = await db.select({ id: policyVersions.id }).from(policyVersions).limit(1);
    const [run] = await db
      .insert(agentRuns)
      .values({ ticketId, policyVersionId: policy?.id ?? "", model: OFFLINE_MODEL_ID })
      .returning({ id: agentRuns.id });
    const runId = run?.id ?? "";
    // No background writes: only the transactions store steps.
    const recorder = new StepRecorder(db, runId, 0);
    await recorder.record({ kind: "triage", name: "triage", inputTokens: 5 });
    await recorder.record({ kind: "route", name: "small" });

    await expect(
      recorder.inTransaction(db, async (tx) => {
        await tx.update(agentRuns).set({ status: "succeeded" }).where(eq(agentRuns.id, runId));
        throw new Error("the database went away");
      }),
    ).rejects.toThrow("the database went away");
    expect(await stepsOf(db, runId)).toEqual([]);
    expect(recorder.unsaved).toBe(2);

    await recorder.record({ kind: "error", name: "run failed" });
    await recorder.inTransaction(db, async (tx) => {
      await tx.update(agentRuns).set({ status: "failed" }).where(eq(agentRuns.id, runId));
    });
    expect((await stepsOf(db, runId)).map((s) => [s.seq, s.kind])).toEqual([
      [1, "triage"],
      [2, "route"],
      [3, "error"],
    ]);
    const [stored] = await db
      .select({ status: agentRuns.status, inputTokens: agentRuns.inputTokens })
      .from(agentRuns)
      .where(eq(agentRuns.id, runId));
    expect(stored).toEqual({ status: "failed", inputTokens: 5 });
    expect(recorder.unsaved).toBe(0);
  });
});
