import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, agentRuns, agentSteps, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { type ChatServer, startChatServer } from "@/test/chat-server";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { type RunOptions, runAgent } from "../run";
import { agentHealth } from "./health";
import { getLanguageModel, OFFLINE_MODEL_ID } from "./index";
import { resetBreakers } from "./resilience";

const NOW = new Date("2026-11-01T12:00:00Z");
const FAST = {
  timeoutMs: 2_000,
  maxAttempts: 3,
  initialDelayMs: 1,
  maxDelayMs: 5,
  breakerThreshold: 5,
  halfOpenAfterMs: 60_000,
};

describe("provider configuration and transient failures, over HTTP through the real provider packages", () => {
  let handle: TestDatabase;
  let db: Db;
  let server: ChatServer;
  let ticketIds: string[];
  let next = 0;

  beforeAll(async () => {
    server = await startChatServer();
    stubEnv({ OPENAI_COMPATIBLE_BASE_URL: server.url, OPENAI_API_KEY: undefined });
    handle = await createTestDatabase(defaultDriver());
    db = handle.db;
    await seedDemo(db, { now: NOW });
    ticketIds = (await db.select({ id: tickets.id }).from(tickets).orderBy(asc(tickets.externalId))).map(
      (r) => r.id,
    );
  });

  afterAll(async () => {
    restoreEnv();
    await server?.close();
    await handle?.destroy();
  });

  beforeEach(() => {
    server.statuses.length = 0;
    server.fail = () => null;
    resetBreakers();
  });

  const draft = (model: string, options: Partial<RunOptions> = {}) =>
    runAgent(db, ticketIds[next++] ?? "", {
      models: { small: model, large: model, fallback: OFFLINE_MODEL_ID },
      resolveModel: (id) => getLanguageModel(id),
      resilience: FAST,
      useCache: false,
      ...options,
    });

  const runOf = async (runId: string) => {
    const [run] = await db.select().from(agentRuns).where(eq(agentRuns.id, runId));
    if (!run) throw new Error("no run");
    return run;
  };
  const stepsOf = (runId: string) =>
    db
      .select({
        kind: agentSteps.kind,
        name: agentSteps.name,
        model: agentSteps.model,
        output: agentSteps.output,
      })
      .from(agentSteps)
      .where(eq(agentSteps.runId, runId))
      .orderBy(asc(agentSteps.seq));
  const actionsOf = (runId: string) =>
    db
      .select({ kind: agentActions.kind, status: agentActions.status, payload: agentActions.payload })
      .from(agentActions)
      .where(eq(agentActions.runId, runId));

  it("a missing key is a configuration error on the run and in health, never a silent offline draft", async () => {
    const outcome = await draft("openai:gpt-4.1-mini");
    expect(outcome.status).toBe("failed");
    const run = await runOf(outcome.runId);
    expect(run).toMatchObject({ status: "failed", errorKind: "configuration", model: "openai:gpt-4.1-mini" });
    expect(run.error).toContain("OPENAI_API_KEY");
    const steps = await stepsOf(outcome.runId);
    // The offline model never drafted: no plan step, no "fallback model" step.
    expect(steps.filter((s) => s.kind === "plan")).toEqual([]);
    expect(steps.map((s) => s.name)).not.toContain("fallback model");
    expect(steps.find((s) => s.kind === "error")?.name).toBe("configuration");
    // A person still has the ticket: one escalation saying what is wrong.
    const actions = await actionsOf(outcome.runId);
    expect(actions.map((a) => [a.kind, a.status])).toEqual([["escalation", "pending_review"]]);
    expect((actions[0]?.payload as { reason?: string } | undefined)?.reason).toContain("OPENAI_API_KEY");

    const health = await agentHealth(db, {
      small: "openai:gpt-4.1-mini",
      large: "openai:gpt-4.1-mini",
      fallback: "offline",
    });
    expect(health.status).toBe("misconfigured");
    expect(health.problems).toEqual([
      {
        model: "openai:gpt-4.1-mini",
        roles: ["primary", "small"],
        problem: expect.stringContaining("OPENAI_API_KEY"),
      },
    ]);
  });

  it.each([
    [401, "Incorrect API key provided: sk-abc***xyz", "refused the API key", "OPENAI_COMPATIBLE_API_KEY"],
    [403, "Project does not have access to model", "may not use", "permissions"],
    [404, "The model `scripted-gone` does not exist", "does not know", "model id"],
  ])(
    "HTTP %i is a configuration error: asked once, not retried, not answered by the fallback",
    async (status, said, what, hint) => {
      server.fail = () => ({ status, message: said });
      const model = `compatible:scripted-${status}`;
      const outcome = await draft(model);
      expect(server.statuses).toEqual([status]);
      const run = await runOf(outcome.runId);
      expect(run).toMatchObject({ status: "failed", errorKind: "configuration", model });
      expect(run.error).toContain(what);
      expect(run.error).toContain(hint);
      expect(run.error).not.toContain(said);
      // The provider's own words stay in the chain for whoever debugs it.
      const step = (await stepsOf(outcome.runId)).find((s) => s.name === "configuration");
      expect(step?.output).toMatchObject({ provider: expect.stringContaining(said) });

      const health = await agentHealth(db, { small: model, large: model, fallback: "offline" });
      expect(health.problems).toHaveLength(1);
      expect(health.problems[0]?.problem).toContain(`HTTP ${status}`);
      expect(JSON.stringify(health)).not.toContain(said);

      // Once the provider answers again, the next run clears the report.
      server.fail = () => null;
      const fixed = await draft(model);
      expect(fixed.status).toBe("succeeded");
      expect((await agentHealth(db, { small: model, large: model, fallback: "offline" })).problems).toEqual(
        [],
      );
    },
  );

  it("another 4xx is not retried and not sent to the fallback model: the run escalates", async () => {
    server.fail = () => ({ status: 400, message: "context_length_exceeded" });
    const outcome = await draft("compatible:scripted");
    expect(server.statuses).toEqual([400]);
    const run = await runOf(outcome.runId);
    expect(run).toMatchObject({ status: "fell_back", errorKind: "model", model: "compatible:scripted" });
    const steps = await stepsOf(outcome.runId);
    expect(steps.filter((s) => s.kind === "recovery").map((s) => s.name)).toEqual(["deterministic fallback"]);
    expect(steps.some((s) => s.model === OFFLINE_MODEL_ID)).toBe(false);
    expect((await actionsOf(outcome.runId)).map((a) => a.kind)).toEqual(["escalation"]);
  });

  it("transient failures (429, 5xx) are retried, and answered by the fallback only once retries are spent", async () => {
    server.fail = (n) => (n <= 2 ? { status: n === 1 ? 429 : 502, message: "busy" } : null);
    const retried = await draft("compatible:scripted");
    expect(retried.status).toBe("succeeded");
    expect(server.statuses.slice(0, 3)).toEqual([429, 502, 200]);
    expect((await runOf(retried.runId)).errorKind).toBeNull();

    server.statuses.length = 0;
    server.fail = () => ({ status: 503, message: "overloaded" });
    const fell = await draft("compatible:scripted");
    expect(server.statuses).toEqual([503, 503, 503]);
    expect(await runOf(fell.runId)).toMatchObject({
      status: "fell_back",
      errorKind: "transient",
      model: OFFLINE_MODEL_ID,
    });
  });

  it("the circuit breaker counts calls, not retries, and only transient failures", async () => {
    const resilience = { ...FAST, breakerThreshold: 2 };
    // Configuration errors do not open the circuit.
    server.fail = () => ({ status: 401, message: "bad key" });
    for (let i = 0; i < 3; i++) await draft("compatible:breaker", { resilience });
    expect(server.statuses).toEqual([401, 401, 401]);

    server.statuses.length = 0;
    server.fail = () => ({ status: 500, message: "down" });
    const perRun: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = server.statuses.length;
      await draft("compatible:breaker", { resilience });
      perRun.push(server.statuses.length - before);
    }
    // Two failed calls (of three attempts each) open the circuit; the third run is not sent.
    // Counting attempts, the first call's second attempt would already have opened it.
    expect(perRun).toEqual([3, 3, 0]);
  });

  it("a step the database refuses to store is a database error: not retried, not the fallback", async () => {
    await db.execute(sql`
      create function refuse_plan_steps() returns trigger language plpgsql as $$
      begin raise exception 'could not extend file: No space left on device'; end $$`);
    await db.execute(sql`
      create trigger refuse_plan_steps before insert on agent_steps
      for each row when (new.kind = 'plan') execute function refuse_plan_steps()`);
    try {
      const ticketId = ticketIds[next++] ?? "";
      await expect(
        runAgent(db, ticketId, {
          models: { small: "compatible:scripted", large: "compatible:scripted", fallback: OFFLINE_MODEL_ID },
          resolveModel: (id) => getLanguageModel(id),
          resilience: FAST,
          useCache: false,
        }),
      ).rejects.toThrow();
      // The chain is written in batches (lib/agent/recorder.ts): the refusal surfaces when the steps
      // are stored, so the model's calls all succeeded and none was retried or sent to the fallback.
      expect(server.statuses.length).toBeGreaterThan(0);
      expect(server.statuses.every((status) => status === 200)).toBe(true);
      const [run] = await db.select().from(agentRuns).where(eq(agentRuns.ticketId, ticketId));
      expect(run).toMatchObject({ status: "failed", errorKind: "database", model: "compatible:scripted" });
      const steps = await stepsOf(run?.id ?? "");
      expect(steps.some((s) => s.kind === "recovery")).toBe(false);
    } finally {
      await db.execute(sql`drop trigger refuse_plan_steps on agent_steps`);
      await db.execute(sql`drop function refuse_plan_steps()`);
    }
  });
});
