import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
} from "@ai-sdk/provider";
import { APICallError } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import {
  agentActions,
  agentRuns,
  agentSteps,
  kbArticles,
  orders,
  policyVersions,
  tickets,
} from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { AppError } from "@/lib/errors";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { ticketEscalations } from "@/lib/guardrails/evaluate";
import { availableDrivers, createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { resetBreakers } from "./models/resilience";
import { createOfflineModel, OFFLINE_MODEL_ID } from "./offline/model";
import { VERIFICATION_FAILED } from "./prompt";
import { type RunOptions, runAgent } from "./run";
import { CHECKS } from "./verify";

const NOW = new Date("2026-11-01T12:00:00Z");
const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };
const FAST = {
  timeoutMs: 200,
  maxAttempts: 3,
  initialDelayMs: 1,
  maxDelayMs: 5,
  breakerThreshold: 5,
  halfOpenAfterMs: 1_000,
};

interface SeededTicket {
  id: string;
  externalId: string;
  subject: string;
  body: string;
  intent: string | null;
}

async function seededTickets(db: Db): Promise<SeededTicket[]> {
  return db
    .select({
      id: tickets.id,
      externalId: tickets.externalId,
      subject: tickets.subject,
      body: tickets.body,
      intent: tickets.intent,
    })
    .from(tickets)
    .orderBy(asc(tickets.externalId));
}

async function stepsOf(db: Db, runId: string) {
  return db
    .select({
      seq: agentSteps.seq,
      kind: agentSteps.kind,
      name: agentSteps.name,
      input: agentSteps.input,
      output: agentSteps.output,
      model: agentSteps.model,
      inputTokens: agentSteps.inputTokens,
      outputTokens: agentSteps.outputTokens,
    })
    .from(agentSteps)
    .where(eq(agentSteps.runId, runId))
    .orderBy(asc(agentSteps.seq));
}

async function actionsOf(db: Db, where: { runId?: string; ticketId?: string }) {
  return db
    .select({
      id: agentActions.id,
      runId: agentActions.runId,
      kind: agentActions.kind,
      status: agentActions.status,
      payload: agentActions.payload,
      blockedBy: agentActions.blockedBy,
      blockedReason: agentActions.blockedReason,
    })
    .from(agentActions)
    .where(
      where.runId ? eq(agentActions.runId, where.runId) : eq(agentActions.ticketId, where.ticketId ?? ""),
    )
    .orderBy(asc(agentActions.createdAt), asc(agentActions.kind));
}

async function runRow(db: Db, runId: string) {
  const [run] = await db.select().from(agentRuns).where(eq(agentRuns.id, runId));
  if (!run) throw new Error(`run ${runId} not found`);
  return run;
}

async function ticketStatus(db: Db, ticketId: string) {
  const [row] = await db.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, ticketId));
  return row?.status;
}

/**
 * Tool calls of one model step run in parallel and are recorded as they finish,
 * which on a connection pool is not always the same order: compare each block
 * of consecutive tool calls as a sorted set.
 */
function chainShape(steps: { kind: string; name: string }[]): string[] {
  const out: string[] = [];
  let block: string[] = [];
  const flush = () => {
    out.push(...block.sort());
    block = [];
  };
  for (const s of steps) {
    if (s.kind === "tool_call") block.push(`${s.kind}:${s.name}`);
    else {
      flush();
      out.push(`${s.kind}:${s.name}`);
    }
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scripted models

const USAGE = {
  inputTokens: { total: 40, noCache: 40, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 12, text: 12, reasoning: 0 },
};

function textResult(text: string): LanguageModelV4GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: USAGE,
    warnings: [],
  };
}

let scriptedCallId = 0;
function toolCalls(...calls: { toolName: string; input: unknown }[]): LanguageModelV4GenerateResult {
  const content: LanguageModelV4Content[] = calls.map((c) => ({
    type: "tool-call",
    toolCallId: `scripted-${++scriptedCallId}`,
    toolName: c.toolName,
    input: JSON.stringify(c.input),
  }));
  return { content, finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: USAGE, warnings: [] };
}

/** The offline model, failing its first `failures` calls. */
function flakyModel(failures: number): LanguageModelV4 & { calls: number } {
  const offline = createOfflineModel();
  const model = {
    ...offline,
    calls: 0,
    doGenerate: async (options: LanguageModelV4CallOptions) => {
      model.calls++;
      if (model.calls <= failures) throw providerError(`provider overloaded (call ${model.calls})`);
      return offline.doGenerate(options);
    },
  };
  return model;
}

/** What a provider package throws for an HTTP 503: a transient failure (retried, then the fallback). */
function providerError(message: string): APICallError {
  return new APICallError({ message, url: "http://model.test/v1", requestBodyValues: {}, statusCode: 503 });
}

function brokenModel(message: string): LanguageModelV4 {
  return new MockLanguageModelV4({
    doGenerate: async () => {
      throw providerError(message);
    },
  });
}

function hangingModel(): LanguageModelV4 & { calls: number } {
  const model = {
    ...createOfflineModel(),
    calls: 0,
    doGenerate: () => {
      model.calls++;
      return new Promise<LanguageModelV4GenerateResult>(() => {});
    },
  };
  return model;
}

/** The offline model, each call delayed: keeps a run open long enough for a concurrent start to collide. */
function slowOfflineModel(delayMs: number): LanguageModelV4 {
  const offline = createOfflineModel();
  return {
    ...offline,
    doGenerate: async (options) => {
      await new Promise((r) => setTimeout(r, delayMs));
      return offline.doGenerate(options);
    },
  };
}

function userTexts(prompt: LanguageModelV4Prompt): string[] {
  return prompt.flatMap((m) =>
    m.role === "user" ? m.content.flatMap((p) => (p.type === "text" ? [p.text] : [])) : [],
  );
}

/**
 * A planner that looks things up, then drafts a reply citing an article it never
 * retrieved. On "Verification failed:" feedback it drafts once more: again with the
 * made-up slug (`repair: "bad"`) or citing the first article the search returned.
 */
function citingModel(fromEmail: string, repair: "bad" | "good") {
  return new MockLanguageModelV4({
    provider: "scripted",
    modelId: "citing",
    doGenerate: async (options) => {
      if (!options.tools?.length) return textResult('{"verdict":"ok","notes":[]}');
      const prompt = options.prompt;
      const feedbackAt = prompt.findIndex(
        (m) =>
          m.role === "user" &&
          m.content.some((p) => p.type === "text" && p.text.startsWith(VERIFICATION_FAILED)),
      );
      const drafted = (from: number) =>
        prompt
          .slice(from)
          .some(
            (m) =>
              m.role === "assistant" &&
              m.content.some((p) => p.type === "tool-call" && p.toolName === "draft_reply"),
          );
      const searched = prompt.flatMap((m) =>
        m.role === "tool"
          ? m.content.flatMap((p) =>
              p.type === "tool-result" && p.toolName === "search_knowledge_base" && p.output.type === "json"
                ? [p.output.value as { articles: { slug: string }[] }]
                : [],
            )
          : [],
      );
      const draft = (slug: string) =>
        toolCalls({
          toolName: "draft_reply",
          input: {
            text: "Hi, you can follow your order under Account > Orders; the tracking link is in the shipping email.",
            citations: [{ type: "article", slug }],
          },
        });
      if (searched.length === 0) {
        return toolCalls(
          { toolName: "lookup_customer", input: { email: fromEmail } },
          { toolName: "search_knowledge_base", input: { query: "track order delivery" } },
        );
      }
      if (feedbackAt < 0) return drafted(0) ? textResult("Drafted.") : draft("made-up-article");
      if (drafted(feedbackAt)) return textResult("Revised.");
      const retrieved = searched[0]?.articles[0]?.slug ?? "none";
      return draft(repair === "good" ? retrieved : "made-up-article");
    },
  });
}

// ---------------------------------------------------------------------------------------------

describe("runAgent", () => {
  let handle: TestDatabase;
  let db: Db;
  let all: SeededTicket[];
  let track: SeededTicket[];
  let spare: SeededTicket[];
  let nextTrack = 0;
  let nextSpare = 0;
  /** A fresh track-order ticket that names an order, for each test that needs one. */
  const trackTicket = () => {
    const t = track[nextTrack++];
    if (!t) throw new Error("ran out of seeded track-order tickets");
    return t;
  };
  /** A fresh routine ticket (a question about delivery options) that the agent would answer. */
  const spareTicket = () => {
    const t = spare[nextSpare++];
    if (!t) throw new Error("ran out of seeded spare tickets");
    return t;
  };
  const run = (ticketId: string, options: RunOptions = {}) =>
    runAgent(db, ticketId, { models: OFFLINE, resilience: FAST, ...options });

  beforeAll(async () => {
    handle = await createTestDatabase(defaultDriver());
    db = handle.db;
    await seedDemo(db, { now: NOW });
    all = await seededTickets(db);
    track = all.filter((t) => t.intent === "track_order" && /\bORD-\d{6}\b/.test(t.body));
    spare = all.filter((t) => t.intent === "delivery_options");
    expect(track.length).toBeGreaterThanOrEqual(11);
    expect(spare.length).toBeGreaterThanOrEqual(2);
  });
  afterAll(() => handle?.destroy());
  beforeEach(() => resetBreakers());

  it("drafts a grounded reply to a track-order ticket with the offline model, recording every step", async () => {
    const ticket = trackTicket();
    const outcome = await run(ticket.id, { useCache: false });
    expect(outcome).toMatchObject({ status: "succeeded", cacheHit: false });

    const actions = await actionsOf(db, { runId: outcome.runId });
    expect(actions.map((a) => [a.kind, a.status])).toEqual([["reply", "pending_review"]]);
    const reply = actions[0]?.payload as {
      text: string;
      model: string;
      citations: ({ type: "article"; slug: string } | { type: "order"; number: string })[];
    };
    expect(reply.model).toBe(OFFLINE_MODEL_ID);
    const slugs = reply.citations.flatMap((c) => (c.type === "article" ? [c.slug] : []));
    const numbers = reply.citations.flatMap((c) => (c.type === "order" ? [c.number] : []));
    expect(slugs.length).toBeGreaterThan(0);
    const mentioned = ticket.body.match(/\bORD-\d{6}\b/)?.[0];
    expect(numbers).toContain(mentioned);
    const foundArticles = await db
      .select({ slug: kbArticles.slug })
      .from(kbArticles)
      .where(inArray(kbArticles.slug, slugs));
    expect(foundArticles.map((a) => a.slug).sort()).toEqual([...new Set(slugs)].sort());
    const foundOrders = await db
      .select({ number: orders.number })
      .from(orders)
      .where(inArray(orders.number, numbers));
    expect(foundOrders.map((o) => o.number).sort()).toEqual([...new Set(numbers)].sort());
    expect(reply.text).toContain(mentioned);

    const steps = await stepsOf(db, outcome.runId);
    expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i + 1));
    const index = (kind: string, name?: string) =>
      steps.findIndex((s) => s.kind === kind && (name === undefined || s.name === name));
    expect(steps[0]).toMatchObject({ kind: "triage", output: { intent: "track_order", category: "none" } });
    expect(steps[1]).toMatchObject({ kind: "route", name: "small" });
    const toolNames = steps.filter((s) => s.kind === "tool_call").map((s) => s.name);
    expect(toolNames).toEqual(
      expect.arrayContaining(["search_knowledge_base", "lookup_customer", "lookup_orders", "draft_reply"]),
    );
    expect(index("plan")).toBeGreaterThan(index("route"));
    expect(index("tool_call", "lookup_customer")).toBeGreaterThan(index("plan"));
    expect(index("reflection")).toBeGreaterThan(index("tool_call", "draft_reply"));
    const verifications = steps.filter((s) => s.kind === "verification");
    expect(verifications.map((v) => v.name)).toEqual([...CHECKS]);
    expect(verifications.every((v) => (v.output as { passed: boolean }).passed)).toBe(true);
    expect(steps.findIndex((s) => s.kind === "verification")).toBeGreaterThan(index("reflection"));
    expect(steps.some((s) => s.kind === "recovery" || s.kind === "error" || s.kind === "guardrail")).toBe(
      false,
    );

    const plans = steps.filter((s) => s.kind === "plan");
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const p of plans) {
      expect(p.model).toBe(OFFLINE_MODEL_ID);
      expect(p.inputTokens).toBeGreaterThan(0);
      expect(p.outputTokens).toBeGreaterThan(0);
    }

    const runRecord = await runRow(db, outcome.runId);
    expect(runRecord).toMatchObject({ status: "succeeded", model: OFFLINE_MODEL_ID, cacheHit: false });
    expect(runRecord.inputTokens).toBe(steps.reduce((n, s) => n + s.inputTokens, 0));
    expect(runRecord.outputTokens).toBe(steps.reduce((n, s) => n + s.outputTokens, 0));
    expect(runRecord.inputTokens).toBeGreaterThan(0);
    expect(runRecord.latencyMs).toBeGreaterThanOrEqual(0);
    expect(runRecord.endedAt).toBeInstanceOf(Date);
    expect(runRecord.error).toBeNull();
    expect(await ticketStatus(db, ticket.id)).toBe("awaiting_review");
  });

  it("blocks a refund the customer asks for and escalates it to billing", async () => {
    // A customer plainly asking for money back ("I need assistance to demand a reimbursement").
    const ticket = all.find(
      (t) =>
        t.intent === "get_refund" &&
        /\b(demand|receive|get)\w*\s+an?\s+(reimbursement|compensation)\b|^\W*refund\w*\s*\$\d/i.test(
          t.body,
        ) &&
        ticketEscalations(DEFAULT_RULES, { text: `${t.subject}\n${t.body}` }).some(
          (r) => r.ruleId === "refund-requests",
        ),
    );
    if (!ticket) throw new Error("no seeded refund request");
    const outcome = await run(ticket.id, { useCache: false });
    expect(outcome.status).toBe("succeeded");

    const actions = await actionsOf(db, { runId: outcome.runId });
    const refund = actions.find((a) => a.kind === "refund");
    expect(refund).toMatchObject({ status: "blocked", blockedBy: "no-payments" });
    expect(refund?.blockedReason).toContain("Do not handle payments");
    expect(actions.some((a) => a.kind === "reply")).toBe(false);
    const escalation = actions.find((a) => a.kind === "escalation");
    expect(escalation?.status).toBe("pending_review");
    expect(escalation?.payload).toMatchObject({ team: "billing" });

    const steps = await stepsOf(db, outcome.runId);
    const gate = steps.find((s) => s.kind === "guardrail" && s.name === "no-payments");
    expect(gate?.output).toMatchObject({ blocked: true, rule: "Do not handle payments" });
    expect(gate?.input).toMatchObject({ tool: "issue_refund" });
  });

  it("escalates a legal threat to the legal team with high urgency", async () => {
    const ticket = all.find((t) => t.externalId.startsWith("hand-legal"));
    if (!ticket) throw new Error("no handwritten legal ticket");
    const outcome = await run(ticket.id, { useCache: false });
    expect(outcome.status).toBe("succeeded");

    const actions = await actionsOf(db, { runId: outcome.runId });
    expect(actions.some((a) => a.kind === "reply")).toBe(false);
    const escalation = actions.find((a) => a.kind === "escalation");
    expect(escalation?.status).toBe("pending_review");
    expect(escalation?.payload).toMatchObject({ team: "legal", urgency: "high" });
    expect((escalation?.payload as { ruleIds: string[] } | undefined)?.ruleIds).toContain("legal-escalate");

    const steps = await stepsOf(db, outcome.runId);
    expect(steps[0]).toMatchObject({ kind: "triage" });
    expect(steps[1]).toMatchObject({ kind: "route", name: "large" });
    expect(steps.find((s) => s.kind === "guardrail" && s.name === "legal-escalate")?.output).toMatchObject({
      escalationRequired: true,
      team: "legal",
    });
    const required = steps.find((s) => s.kind === "verification" && s.name === "required_escalations");
    expect(required?.output).toMatchObject({ passed: true });
  });

  it("is deterministic: the same ticket twice without the cache gives the same decision and chain", async () => {
    const ticket = trackTicket();
    const first = await run(ticket.id, { useCache: false });
    const second = await run(ticket.id, { useCache: false });
    expect(second.runId).not.toBe(first.runId);
    expect(second.cacheHit).toBe(false);

    const decision = async (runId: string) =>
      (await actionsOf(db, { runId })).map((a) => ({
        kind: a.kind,
        blockedBy: a.blockedBy,
        text:
          (a.payload as { text?: string; reason?: string }).text ?? (a.payload as { reason?: string }).reason,
        payload: a.payload,
      }));
    expect(await decision(second.runId)).toEqual(await decision(first.runId));
    expect(chainShape(await stepsOf(db, second.runId))).toEqual(chainShape(await stepsOf(db, first.runId)));
    expect((await runRow(db, second.runId)).inputTokens).toBe((await runRow(db, first.runId)).inputTokens);
  });

  it("reuses a cached decision for the same ticket content and supersedes the earlier actions", async () => {
    const ticket = trackTicket();
    const first = await run(ticket.id);
    expect(first.cacheHit).toBe(false);
    const second = await run(ticket.id);
    expect(second).toMatchObject({ status: "succeeded", cacheHit: true });

    const steps = await stepsOf(db, second.runId);
    // triage runs first in every run, cached or not
    expect(steps.map((s) => s.kind)).toEqual(["triage", "route", "cache"]);
    expect(steps[2]?.output).toEqual({ reusedRun: first.runId });
    const runRecord = await runRow(db, second.runId);
    expect(runRecord).toMatchObject({ cacheHit: true, inputTokens: 0, outputTokens: 0, costMicroUsd: 0 });

    const before = await actionsOf(db, { runId: first.runId });
    const after = await actionsOf(db, { runId: second.runId });
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((a) => a.status === "superseded")).toBe(true);
    expect(after.map((a) => [a.kind, a.status])).toEqual(before.map((a) => [a.kind, "pending_review"]));
    expect(after.map((a) => a.payload)).toEqual(before.map((a) => a.payload));
    const live = (await actionsOf(db, { ticketId: ticket.id })).filter((a) => a.status === "pending_review");
    expect(live.every((a) => a.runId === second.runId)).toBe(true);
    expect(await ticketStatus(db, ticket.id)).toBe("awaiting_review");

    // Without the cache the agent drafts again.
    const third = await run(ticket.id, { useCache: false });
    expect(third.cacheHit).toBe(false);
    expect((await runRow(db, third.runId)).inputTokens).toBeGreaterThan(0);
  });

  describe("recovery", () => {
    it("retries a model that fails twice, then succeeds with it", async () => {
      const ticket = trackTicket();
      const flaky = flakyModel(2);
      const outcome = await run(ticket.id, {
        useCache: false,
        models: { small: "flaky:one", large: "flaky:one", fallback: OFFLINE_MODEL_ID },
        resolveModel: (id) => (id === "flaky:one" ? flaky : createOfflineModel()),
      });
      expect(outcome.status).toBe("succeeded");
      const steps = await stepsOf(db, outcome.runId);
      const recoveries = steps.filter((s) => s.kind === "recovery");
      expect(recoveries.map((s) => s.name)).toEqual(["retry 1", "retry 2"]);
      expect(recoveries[0]?.input).toMatchObject({
        model: "flaky:one",
        error: "provider overloaded (call 1)",
      });
      expect(recoveries[1]?.input).toMatchObject({ error: "provider overloaded (call 2)" });
      // The retries come before the first plan step, which then succeeds.
      expect(steps.findIndex((s) => s.name === "retry 2")).toBeLessThan(
        steps.findIndex((s) => s.kind === "plan"),
      );
      expect((await runRow(db, outcome.runId)).model).toBe("flaky:one");
      const actions = await actionsOf(db, { runId: outcome.runId });
      expect(actions.map((a) => [a.kind, a.status])).toEqual([["reply", "pending_review"]]);
      expect((actions[0]?.payload as { model: string } | undefined)?.model).toBe("flaky:one");
    });

    it("falls back to the offline model when the primary keeps failing", async () => {
      const ticket = trackTicket();
      const outcome = await run(ticket.id, {
        useCache: false,
        models: { small: "down:primary", large: "down:primary", fallback: OFFLINE_MODEL_ID },
        resolveModel: (id) =>
          id === OFFLINE_MODEL_ID ? createOfflineModel() : brokenModel("503 Service Unavailable"),
      });
      expect(outcome.status).toBe("fell_back");
      const steps = await stepsOf(db, outcome.runId);
      expect(steps.filter((s) => s.kind === "recovery").map((s) => s.name)).toEqual([
        "retry 1",
        "retry 2",
        "fallback model",
      ]);
      const fallback = steps.find((s) => s.name === "fallback model");
      expect(fallback?.input).toEqual({ failedModel: "down:primary", error: "503 Service Unavailable" });
      expect(fallback?.output).toEqual({ nextModel: OFFLINE_MODEL_ID });
      expect(steps.filter((s) => s.kind === "plan").every((s) => s.model === OFFLINE_MODEL_ID)).toBe(true);

      const runRecord = await runRow(db, outcome.runId);
      expect(runRecord).toMatchObject({ status: "fell_back", model: OFFLINE_MODEL_ID });
      const actions = await actionsOf(db, { runId: outcome.runId });
      expect(actions.map((a) => [a.kind, a.status])).toEqual([["reply", "pending_review"]]);
      const reply = actions[0]?.payload as { text: string; model: string; citations: unknown[] };
      expect(reply.model).toBe(OFFLINE_MODEL_ID);
      expect(reply.citations.length).toBeGreaterThan(0);
      expect(reply.text).toContain(ticket.body.match(/\bORD-\d{6}\b/)?.[0]);
      expect(await ticketStatus(db, ticket.id)).toBe("awaiting_review");
    });

    it("escalates deterministically when the primary and the fallback both fail", async () => {
      const ticket = trackTicket();
      const outcome = await run(ticket.id, {
        useCache: false,
        models: { small: "dead:primary", large: "dead:primary", fallback: "gone:fallback" },
        resolveModel: (id) =>
          id === "dead:primary" ? brokenModel("primary exploded") : brokenModel("fallback exploded"),
      });
      expect(outcome.status).toBe("fell_back");
      const actions = await actionsOf(db, { runId: outcome.runId });
      expect(actions.map((a) => [a.kind, a.status])).toEqual([["escalation", "pending_review"]]);
      const reason = (actions[0]?.payload as { reason: string } | undefined)?.reason;
      expect(reason).toContain("dead:primary");
      expect(reason).toContain("primary exploded");
      expect(reason).toContain("gone:fallback");
      expect(reason).toContain("fallback exploded");
      expect(actions[0]?.payload).toMatchObject({ team: "support" });

      const steps = await stepsOf(db, outcome.runId);
      expect(steps.filter((s) => s.kind === "recovery").map((s) => s.name)).toEqual([
        "retry 1",
        "retry 2",
        "fallback model",
        "retry 1",
        "retry 2",
        "deterministic fallback",
      ]);
      expect(steps.some((s) => s.kind === "plan")).toBe(false);
      const runRecord = await runRow(db, outcome.runId);
      expect(runRecord.status).toBe("fell_back");
      expect(runRecord.inputTokens).toBe(0);
      expect(await ticketStatus(db, ticket.id)).toBe("awaiting_review");
    });

    it("escalates deterministically when the only model fails and is its own fallback", async () => {
      const ticket = trackTicket();
      const outcome = await run(ticket.id, {
        useCache: false,
        models: { small: "solo:model", large: "solo:model", fallback: "solo:model" },
        resolveModel: () => brokenModel("no capacity"),
      });
      expect(outcome.status).toBe("fell_back");
      const steps = await stepsOf(db, outcome.runId);
      expect(steps.filter((s) => s.kind === "recovery").map((s) => s.name)).toEqual([
        "retry 1",
        "retry 2",
        "deterministic fallback",
      ]);
      const actions = await actionsOf(db, { runId: outcome.runId });
      expect(actions.map((a) => a.kind)).toEqual(["escalation"]);
      expect((actions[0]?.payload as { reason: string } | undefined)?.reason).toMatch(
        /solo:model failed \(no capacity\)/,
      );
    });

    it("times out a model that never answers, retries it, then falls back", async () => {
      const ticket = trackTicket();
      const hanging = hangingModel();
      const started = performance.now();
      const outcome = await run(ticket.id, {
        useCache: false,
        models: { small: "stuck:model", large: "stuck:model", fallback: OFFLINE_MODEL_ID },
        resolveModel: (id) => (id === OFFLINE_MODEL_ID ? createOfflineModel() : hanging),
      });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(hanging.calls).toBe(3);
      expect(outcome.status).toBe("fell_back");
      const steps = await stepsOf(db, outcome.runId);
      const recoveries = steps.filter((s) => s.kind === "recovery");
      expect(recoveries.map((s) => s.name)).toEqual(["retry 1", "retry 2", "fallback model"]);
      expect(recoveries[0]?.input).toMatchObject({ error: "timed out" });
      expect(recoveries[2]?.input).toEqual({ failedModel: "stuck:model", error: "timed out" });
      const actions = await actionsOf(db, { runId: outcome.runId });
      expect(actions.map((a) => [a.kind, a.status])).toEqual([["reply", "pending_review"]]);
    });

    it("cancels a call that outlives its timeout and never records its late answer", async () => {
      const ticket = trackTicket();
      const offline = createOfflineModel();
      const signals: (AbortSignal | undefined)[] = [];
      let late: Promise<unknown> = Promise.resolve();
      const slowFirst: LanguageModelV4 = {
        ...offline,
        doGenerate: (options) => {
          signals.push(options.abortSignal);
          if (signals.length > 1) return offline.doGenerate(options);
          const answer = new Promise((r) => setTimeout(r, 350)).then(() => offline.doGenerate(options));
          late = answer;
          return answer;
        },
      };
      const outcome = await run(ticket.id, {
        useCache: false,
        models: { small: "slow:model", large: "slow:model", fallback: OFFLINE_MODEL_ID },
        resolveModel: (id) => (id === OFFLINE_MODEL_ID ? offline : slowFirst),
        resilience: { ...FAST, timeoutMs: 100 },
      });
      expect(outcome.status).toBe("succeeded");
      expect(signals[0]?.aborted).toBe(true);
      await late;
      await new Promise((r) => setTimeout(r, 50));

      const steps = await stepsOf(db, outcome.runId);
      expect(steps.filter((s) => s.kind === "recovery").map((s) => s.name)).toEqual(["retry 1"]);
      const plans = steps.filter((s) => s.kind === "plan").map((s) => s.name);
      expect(plans).toEqual(plans.map((_, i) => `plan ${i + 1}`));
      // The last step is still the last verification: nothing was appended after the run ended.
      expect(steps.filter((s) => s.kind !== "cache").at(-1)?.kind).toBe("verification");
      const runRecord = await runRow(db, outcome.runId);
      expect(runRecord.inputTokens).toBe(steps.reduce((n, s) => n + s.inputTokens, 0));
    });
  });

  describe("verification repair", () => {
    it("blocks a reply whose citation was never retrieved when the repair is still bad, and escalates", async () => {
      const ticket = trackTicket();
      const [row] = await db
        .select({ fromEmail: tickets.fromEmail })
        .from(tickets)
        .where(eq(tickets.id, ticket.id));
      const model = citingModel(row?.fromEmail ?? "", "bad");
      const outcome = await run(ticket.id, {
        useCache: false,
        models: { small: "scripted:citing", large: "scripted:citing", fallback: OFFLINE_MODEL_ID },
        resolveModel: () => model,
      });
      expect(outcome.status).toBe("succeeded");

      const feedback = model.doGenerateCalls.flatMap((c) =>
        userTexts(c.prompt).filter((t) => t.startsWith(VERIFICATION_FAILED)),
      );
      expect(feedback.length).toBeGreaterThan(0);
      expect(feedback[0]).toContain("citations_valid");
      expect(feedback[0]).toContain("made-up-article");
      // Exactly one repair: the feedback appears in one follow-up conversation only.
      const repairCalls = model.doGenerateCalls.filter((c) =>
        userTexts(c.prompt).some((t) => t.startsWith(VERIFICATION_FAILED)),
      );
      expect(new Set(repairCalls.map((c) => userTexts(c.prompt).at(-1))).size).toBe(1);

      const steps = await stepsOf(db, outcome.runId);
      const verification = (name: string) =>
        steps.find((s) => s.kind === "verification" && s.name === name)?.output as { passed: boolean };
      expect(verification("citations_valid").passed).toBe(false);
      expect(verification("repair: citations_valid").passed).toBe(false);
      expect(steps.some((s) => s.kind === "guardrail" && s.name === "verification-escalation")).toBe(true);

      const actions = await actionsOf(db, { runId: outcome.runId });
      const replies = actions.filter((a) => a.kind === "reply");
      expect(replies.length).toBeGreaterThan(0);
      for (const r of replies) {
        expect(r).toMatchObject({ status: "blocked", blockedBy: "verify:citations_valid" });
        expect(r.blockedReason).toContain("made-up-article");
      }
      const escalations = actions.filter((a) => a.kind === "escalation");
      expect(escalations.map((a) => a.status)).toEqual(["pending_review"]);
      const reason = (escalations[0]?.payload as { reason: string } | undefined)?.reason;
      expect(reason).toMatch(/^Verification failed after one repair: /);
      expect(reason).toContain("citations_valid");
      expect(actions.some((a) => a.status === "pending_review" && a.kind === "reply")).toBe(false);
    });

    it("keeps the repaired reply when the repair cites what was retrieved", async () => {
      const ticket = trackTicket();
      const [row] = await db
        .select({ fromEmail: tickets.fromEmail })
        .from(tickets)
        .where(eq(tickets.id, ticket.id));
      const model = citingModel(row?.fromEmail ?? "", "good");
      const outcome = await run(ticket.id, {
        useCache: false,
        models: { small: "scripted:citing", large: "scripted:citing", fallback: OFFLINE_MODEL_ID },
        resolveModel: () => model,
      });
      expect(outcome.status).toBe("succeeded");
      expect(
        model.doGenerateCalls.some((c) => userTexts(c.prompt).some((t) => t.startsWith(VERIFICATION_FAILED))),
      ).toBe(true);

      const steps = await stepsOf(db, outcome.runId);
      const repaired = steps.filter((s) => s.kind === "verification" && s.name.startsWith("repair: "));
      expect(repaired).toHaveLength(CHECKS.length);
      expect(repaired.every((s) => (s.output as { passed: boolean }).passed)).toBe(true);
      expect(steps.some((s) => s.name === "verification-escalation")).toBe(false);

      const actions = await actionsOf(db, { runId: outcome.runId });
      expect(actions.some((a) => a.kind === "escalation")).toBe(false);
      const pending = actions.filter((a) => a.status === "pending_review");
      expect(pending.map((a) => a.kind)).toEqual(["reply"]);
      const reply = pending[0]?.payload as { citations: { type: string; slug: string }[]; model: string };
      expect(reply.model).toBe("scripted:citing");
      const [article] = await db
        .select({ slug: kbArticles.slug })
        .from(kbArticles)
        .where(eq(kbArticles.slug, reply.citations[0]?.slug ?? ""));
      expect(article).toBeDefined();
      // The first draft is kept for the reviewer, blocked, naming the failed check.
      expect(actions.filter((a) => a.status === "blocked").map((a) => [a.kind, a.blockedBy])).toEqual([
        ["reply", "verify:citations_valid"],
      ]);
    });
  });

  it("fails closed on a malformed published policy: every ticket escalates", async () => {
    const ticket = spareTicket();
    const [published] = await db
      .select({ id: policyVersions.id, rules: policyVersions.rules })
      .from(policyVersions)
      .where(eq(policyVersions.status, "published"));
    if (!published) throw new Error("no published policy");
    await db.execute(sql`update policy_versions set rules = '[{"type":"nope"}]' where id = ${published.id}`);
    try {
      const outcome = await run(ticket.id, { useCache: false });
      expect(outcome.status).toBe("succeeded");
      const steps = await stepsOf(db, outcome.runId);
      const invalid = steps.filter((s) => s.kind === "guardrail" && s.name === "policy-invalid");
      expect(invalid.length).toBeGreaterThan(0);
      expect(invalid[0]?.output).toMatchObject({ failedClosed: true });
      const actions = await actionsOf(db, { runId: outcome.runId });
      expect(actions.some((a) => a.kind === "reply" && a.status === "pending_review")).toBe(false);
      const escalation = actions.find((a) => a.kind === "escalation");
      expect(escalation?.status).toBe("pending_review");
      expect((escalation?.payload as { ruleIds: string[] } | undefined)?.ruleIds).toContain("policy-invalid");
    } finally {
      await db
        .update(policyVersions)
        .set({ rules: published.rules })
        .where(and(eq(policyVersions.id, published.id)));
    }
  });

  it("refuses a ticket that does not exist", async () => {
    await expect(run("00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({
      code: "not_found:ticket",
    });
  });
});

// One run per ticket at a time is enforced by a partial unique index: check it on both drivers.
describe.each(availableDrivers())("concurrent runs on %s", (driver) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    await seedDemo(handle.db, { now: NOW });
  });
  afterAll(() => handle?.destroy());

  it("lets only one of two simultaneous runs on the same ticket proceed", async () => {
    const db = handle.db;
    const [ticket] = (await seededTickets(db)).filter((t) => t.intent === "track_order");
    if (!ticket) throw new Error("no track-order ticket");
    const options: RunOptions = {
      useCache: false,
      models: OFFLINE,
      resilience: FAST,
      resolveModel: () => slowOfflineModel(20),
    };
    const results = await Promise.allSettled([
      runAgent(db, ticket.id, options),
      runAgent(db, ticket.id, options),
    ]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const error = (rejected[0] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "conflict:run", status: 409 });

    const runs = await db.select().from(agentRuns).where(eq(agentRuns.ticketId, ticket.id));
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe("succeeded");
    expect(await ticketStatus(db, ticket.id)).toBe("awaiting_review");

    // Once the first run is over, the ticket can be drafted again.
    const again = await runAgent(db, ticket.id, options);
    expect(again.status).toBe("succeeded");
  });
});
