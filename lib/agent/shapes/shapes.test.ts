import type { LanguageModelV4, LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { APICallError } from "@ai-sdk/provider";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import {
  type AgentShape,
  agentActions,
  agentRuns,
  agentSteps,
  policyVersions,
  tickets,
  users,
} from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import type { Rule } from "@/lib/guardrails/rules";
import { loadReviewerAgentFigures, loadShapeFigures } from "@/lib/metrics/shapes";
import { decideAction } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { resetBreakers } from "../models/resilience";
import { createOfflineModel, OFFLINE_MODEL_ID } from "../offline/model";
import { type RunOptions, runAgent } from "../run";
import { type Role, roleMarker } from "./roles";
import type { ScopeTotals } from "./scope";

const NOW = new Date("2026-11-01T12:00:00Z");
const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };
const FAST = {
  timeoutMs: 500,
  maxAttempts: 2,
  initialDelayMs: 1,
  maxDelayMs: 5,
  breakerThreshold: 50,
  halfOpenAfterMs: 1_000,
};

/** The offline model, except that calls made in `role` fail with the given HTTP status. */
function failingIn(role: Role, statusCode: number): LanguageModelV4 {
  const offline = createOfflineModel();
  const fails = (options: LanguageModelV4CallOptions) =>
    options.prompt.some((m) => m.role === "system" && m.content.includes(roleMarker(role)));
  const error = () =>
    new APICallError({
      message: `${role} model broke (HTTP ${statusCode})`,
      url: "http://model.test/v1",
      requestBodyValues: {},
      statusCode,
    });
  return {
    ...offline,
    doGenerate: async (options) => {
      if (fails(options)) throw error();
      return offline.doGenerate(options);
    },
  };
}

async function stepsOf(db: Db, runId: string) {
  return db.select().from(agentSteps).where(eq(agentSteps.runId, runId)).orderBy(asc(agentSteps.seq));
}

async function actionsOf(db: Db, runId: string) {
  return db
    .select({
      kind: agentActions.kind,
      status: agentActions.status,
      payload: agentActions.payload,
      blockedBy: agentActions.blockedBy,
    })
    .from(agentActions)
    .where(eq(agentActions.runId, runId))
    .orderBy(asc(agentActions.createdAt), asc(agentActions.kind));
}

type Step = Awaited<ReturnType<typeof stepsOf>>[number];

/** Each closing step of `scope` totals exactly the steps recorded just before it under that scope or nested in it. */
function expectOwnTotals(steps: Step[], scope: string) {
  const closing = steps.filter((s) => s.kind === "scope" && s.name === scope);
  expect(closing.length).toBeGreaterThan(0);
  for (const close of closing) {
    const totals = (close.output as { totals: ScopeTotals }).totals;
    const own = steps.filter((s) => s.seq < close.seq && s.seq >= close.seq - totals.steps);
    expect(own.length).toBe(totals.steps);
    expect(own.every((s) => s.scope === scope || s.parentScope === scope)).toBe(true);
    const before = steps.find((s) => s.seq === close.seq - totals.steps - 1);
    expect(before?.scope === scope && before.kind !== "scope").toBe(false);
    expect(totals.inputTokens).toBe(own.reduce((n, s) => n + s.inputTokens, 0));
    expect(totals.outputTokens).toBe(own.reduce((n, s) => n + s.outputTokens, 0));
    expect(totals.ms).toBeGreaterThanOrEqual(0);
  }
}

describe("agent shapes", () => {
  let handle: TestDatabase;
  let db: Db;
  let track: { id: string; body: string }[] = [];
  let refunds: { id: string }[] = [];
  let next = 0;
  const trackTicket = () => {
    const t = track[next++];
    if (!t) throw new Error("ran out of seeded track-order tickets");
    return t;
  };
  const run = (ticketId: string, options: RunOptions = {}) =>
    runAgent(db, ticketId, { models: OFFLINE, resilience: FAST, useCache: false, ...options });
  const publish = async (shape: AgentShape, rules: Rule[] = DEFAULT_RULES) => {
    await db
      .update(policyVersions)
      .set({ agentShape: shape, rules })
      .where(eq(policyVersions.status, "published"));
  };

  beforeAll(async () => {
    handle = await createTestDatabase(defaultDriver());
    db = handle.db;
    await seedDemo(db, { now: NOW });
    const all = await db
      .select({ id: tickets.id, body: tickets.body, intent: tickets.intent })
      .from(tickets)
      .orderBy(asc(tickets.externalId));
    track = all.filter((t) => t.intent === "track_order" && /\bORD-\d{6}\b/.test(t.body));
    refunds = all.filter(
      (t) =>
        t.intent === "get_refund" &&
        /\b(demand|receive|get)\w*\s+an?\s+(reimbursement|compensation)\b/i.test(t.body),
    );
    expect(track.length).toBeGreaterThanOrEqual(8);
    expect(refunds.length).toBeGreaterThanOrEqual(1);
  });
  afterAll(() => handle?.destroy());
  beforeEach(() => resetBreakers());

  it("loop: old policies are the loop, and its runs say so", async () => {
    await publish("loop");
    const outcome = await run(trackTicket().id);
    const [row] = await db.select().from(agentRuns).where(eq(agentRuns.id, outcome.runId));
    expect(row?.shape).toBe("loop");
    const steps = await stepsOf(db, outcome.runId);
    expect(steps.every((s) => s.scope === null)).toBe(true);
  });

  it("workflow: the four stages run in order, each its own sub-chain with its own totals", async () => {
    await publish("workflow");
    const ticket = trackTicket();
    const outcome = await run(ticket.id);
    expect(outcome.status).toBe("succeeded");
    const [row] = await db.select().from(agentRuns).where(eq(agentRuns.id, outcome.runId));
    expect(row?.shape).toBe("workflow");
    const steps = await stepsOf(db, outcome.runId);
    expect(steps.filter((s) => s.kind === "scope").map((s) => s.name)).toEqual([
      "validate_input",
      "process_request",
      "verify_output",
      "execute_action",
    ]);
    for (const stage of ["validate_input", "process_request", "verify_output", "execute_action"]) {
      expectOwnTotals(steps, stage);
    }
    expect(
      steps.filter((s) => s.scope === "validate_input" && s.kind === "tool_call").map((s) => s.name),
    ).toEqual(["lookup_customer"]);
    expect(
      steps.filter((s) => s.scope === "verify_output" && s.kind === "verification").length,
    ).toBeGreaterThan(0);
    const actions = await actionsOf(db, outcome.runId);
    expect(actions.map((a) => [a.kind, a.status])).toEqual([["reply", "pending_review"]]);
    expect((actions[0]?.payload as { text: string } | undefined)?.text).toContain(
      ticket.body.match(/\bORD-\d{6}\b/)?.[0],
    );
    // Run totals are the sum over every stage.
    expect(row?.inputTokens).toBe(steps.reduce((n, s) => n + s.inputTokens, 0));
  });

  it("team: the manager delegates to analyst, writer and reviewer, nested, each with its own totals", async () => {
    await publish("team");
    const outcome = await run(trackTicket().id);
    expect(outcome.status).toBe("succeeded");
    const steps = await stepsOf(db, outcome.runId);
    const scopes = steps.filter((s) => s.kind === "scope");
    expect(scopes.map((s) => [s.name, s.parentScope])).toEqual([
      ["analyst", "manager"],
      ["writer", "manager"],
      ["reviewer", "manager"],
      ["manager", null],
    ]);
    for (const agent of ["analyst", "writer", "reviewer", "manager"]) expectOwnTotals(steps, agent);
    const manager = (scopes.at(-1)?.output as { totals: ScopeTotals } | undefined)?.totals ?? {
      inputTokens: 0,
    };
    const subs = scopes.slice(0, 3).map((s) => (s.output as { totals: ScopeTotals }).totals);
    expect(manager.inputTokens).toBeGreaterThan(subs.reduce((n, t) => n + t.inputTokens, 0));
    expect(scopes[2]?.output).toMatchObject({ verdict: "pass", reasons: [] });
    const delegations = steps.filter((s) => s.scope === "manager" && s.kind === "plan");
    expect(delegations.length).toBeGreaterThanOrEqual(4);
    expect(
      steps
        .filter((s) => s.scope === "analyst" && s.kind === "tool_call")
        .map((s) => s.name)
        .sort(),
    ).toEqual(["lookup_customer", "lookup_orders", "search_knowledge_base"]);
    const actions = await actionsOf(db, outcome.runId);
    expect(actions.map((a) => [a.kind, a.status])).toEqual([["reply", "pending_review"]]);
  });

  it.each([
    ["workflow", "validate_input", "The workflow stage validate_input failed"],
    ["team", "writer", "The writer agent failed"],
    ["team", "analyst", "The analyst agent failed"],
  ] as const)("%s: a failing %s recovers into an escalation naming it", async (shape, role, named) => {
    await publish(shape);
    const outcome = await run(trackTicket().id, {
      models: { small: "broken:x", large: "broken:x", fallback: "broken:x" },
      resolveModel: () => failingIn(role, 400),
    });
    expect(outcome.status).toBe("fell_back");
    const actions = await actionsOf(db, outcome.runId);
    expect(actions.map((a) => [a.kind, a.status])).toEqual([["escalation", "pending_review"]]);
    expect((actions[0]?.payload as { reason: string } | undefined)?.reason).toContain(named);
    const steps = await stepsOf(db, outcome.runId);
    const failed = steps.find((s) => s.kind === "scope" && s.name === role);
    expect(failed?.output).toMatchObject({ ok: false, failedScope: role });
    expect(steps.some((s) => s.kind === "recovery" && s.name === "deterministic fallback")).toBe(true);
  });

  it("team: a transient failure of a sub-agent falls back to the fallback model for the whole team", async () => {
    await publish("team");
    const outcome = await run(trackTicket().id, {
      models: { small: "flaky:x", large: "flaky:x", fallback: OFFLINE_MODEL_ID },
      resolveModel: (id) => (id === OFFLINE_MODEL_ID ? createOfflineModel() : failingIn("analyst", 503)),
    });
    expect(outcome.status).toBe("fell_back");
    const steps = await stepsOf(db, outcome.runId);
    expect(steps.find((s) => s.name === "fallback model")?.input).toMatchObject({ failedModel: "flaky:x" });
    // The failed analyst's sub-chain is closed, naming it; the fallback's team then runs whole.
    expect(steps.find((s) => s.kind === "scope" && s.name === "analyst")?.output).toMatchObject({
      ok: false,
    });
    expect(
      steps
        .filter((s) => s.kind === "scope" && s.name === "manager")
        .map((s) => (s.output as { ok: boolean }).ok),
    ).toEqual([false, true]);
    const actions = await actionsOf(db, outcome.runId);
    expect(actions.map((a) => [a.kind, a.status])).toEqual([["reply", "pending_review"]]);
  });

  it("the gate blocks a forbidden tool inside a sub-agent exactly as in the loop", async () => {
    const ticket = refunds[0];
    if (!ticket) throw new Error("no refund ticket");
    const gateSteps = async (shape: AgentShape) => {
      await publish(shape);
      const outcome = await run(ticket.id);
      const steps = await stepsOf(db, outcome.runId);
      const gate = steps.filter((s) => s.kind === "guardrail" && s.name === "no-payments");
      const actions = await actionsOf(db, outcome.runId);
      return { gate, actions };
    };
    const loop = await gateSteps("loop");
    const team = await gateSteps("team");
    expect(loop.gate).toHaveLength(1);
    expect(team.gate).toHaveLength(1);
    expect(team.gate[0]?.scope).toBe("writer");
    expect(team.gate[0]?.parentScope).toBe("manager");
    expect(team.gate[0]?.output).toEqual(loop.gate[0]?.output);
    expect(team.gate[0]?.input).toEqual(loop.gate[0]?.input);
    const refundOf = (a: typeof loop.actions) => a.find((x) => x.kind === "refund");
    expect(refundOf(team.actions)).toMatchObject({ status: "blocked", blockedBy: "no-payments" });
    expect(refundOf(loop.actions)).toMatchObject({ status: "blocked", blockedBy: "no-payments" });
    expect(team.actions.find((a) => a.kind === "escalation")?.payload).toMatchObject({ team: "billing" });
  });

  it("compares the reviewer agent's verdicts with people's decisions on the same replies, and cuts runs by shape", async () => {
    const all = { from: new Date(0), to: new Date(Date.now() + 86_400_000) };
    const before = await loadReviewerAgentFigures(db, all);
    await publish("team");
    const [person] = await db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(eq(users.email, "reviewer@example.com"));
    if (!person) throw new Error("no seeded reviewer");
    const decisions = [
      { decision: "approve" },
      { decision: "reject", reason: "The customer asked about a different order." },
    ];
    for (const decision of decisions) {
      const outcome = await run(trackTicket().id);
      const [reply] = await db
        .select({ id: agentActions.id, version: agentActions.version })
        .from(agentActions)
        .where(eq(agentActions.runId, outcome.runId));
      if (!reply) throw new Error("no reply proposed");
      await decideAction(
        db,
        person,
        decisionSchema.parse({ actionId: reply.id, version: reply.version, ...decision }),
      );
    }
    const after = await loadReviewerAgentFigures(db, all);
    expect(after.verdicts - before.verdicts).toBe(2);
    expect(after.passed - before.passed).toBe(2);
    expect(after.compared - before.compared).toBe(2);
    expect(after.agreed - before.agreed).toBe(1);
    expect(after.passedButRejected - before.passedButRejected).toBe(1);
    expect(after.tokens).toBeGreaterThan(before.tokens);

    const shapes = await loadShapeFigures(db, all);
    expect(shapes.map((f) => f.shape)).toEqual(["loop", "workflow", "team"]);
    const team = shapes.find((f) => f.shape === "team");
    const [counted] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(agentRuns)
      .where(and(eq(agentRuns.shape, "team"), ne(agentRuns.status, "running")));
    expect(team?.runs).toBe(counted?.n);
    expect(team?.decided).toBeGreaterThanOrEqual(2);
    expect(team?.avgTokens).toBeGreaterThan(0);
    await publish("loop");
  });

  it("budgets count across sub-agents: no agent alone exceeds it, together they do", async () => {
    const rules = DEFAULT_RULES.map((r) => (r.type === "budget" ? { ...r, maxSteps: 4 } : r));
    await publish("team", rules);
    const outcome = await run(trackTicket().id);
    const steps = await stepsOf(db, outcome.runId);
    const plansBy = (scope: string) => steps.filter((s) => s.kind === "plan" && s.scope === scope).length;
    for (const agent of ["manager", "analyst", "writer"]) expect(plansBy(agent)).toBeLessThanOrEqual(4);
    expect(steps.filter((s) => s.kind === "plan").length).toBeGreaterThan(4);
    const budget = steps.find((s) => s.name === "invariant:budget-exhausted");
    expect(budget?.budget).toBe("steps");
    const actions = await actionsOf(db, outcome.runId);
    const pending = actions.filter((a) => a.status === "pending_review");
    expect(pending.map((a) => a.kind)).toEqual(["escalation"]);
    expect((pending[0]?.payload as { reason: string } | undefined)?.reason).toContain("steps budget of 4");
    await publish("loop");
  });
});
