import type { LanguageModelV4Content, LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, agentSteps, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { loadFailingChecks } from "@/lib/metrics/breakdowns";
import { resolvePeriod } from "@/lib/metrics/period";
import { ticketMetricCondition } from "@/lib/metrics/ticket-links";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { OFFLINE_MODEL_ID } from "./offline/model";
import { VERIFICATION_FAILED } from "./prompt";
import { runAgent } from "./run";
import { CHECKS } from "./verify";

const USAGE = {
  inputTokens: { total: 40, noCache: 40, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 12, text: 12, reasoning: 0 },
};
const text = (t: string): LanguageModelV4GenerateResult => ({
  content: [{ type: "text", text: t }],
  finishReason: { unified: "stop", raw: "stop" },
  usage: USAGE,
  warnings: [],
});
let callId = 0;
const call = (toolName: string, input: unknown): LanguageModelV4GenerateResult => ({
  content: [
    { type: "tool-call", toolCallId: `c${++callId}`, toolName, input: JSON.stringify(input) },
  ] as LanguageModelV4Content[],
  finishReason: { unified: "tool-calls", raw: "tool_calls" },
  usage: USAGE,
  warnings: [],
});

/** Searches, drafts a reply citing an article it never retrieved, and on the verification feedback cites a retrieved one. */
function repairingModel() {
  return new MockLanguageModelV4({
    provider: "scripted",
    modelId: "repairing",
    doGenerate: async ({ tools, prompt }) => {
      if (!tools?.length) return text('{"verdict":"ok","notes":[]}');
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
      const slug = prompt
        .flatMap((m) => (m.role === "tool" ? m.content : []))
        .flatMap((p) =>
          p.type === "tool-result" && p.toolName === "search_knowledge_base" && p.output.type === "json"
            ? (p.output.value as { articles: { slug: string }[] }).articles.map((a) => a.slug)
            : [],
        )[0];
      const draft = (s: string) =>
        call("draft_reply", {
          text: "Hi, you can follow your order under Account > Orders; the tracking link is in the shipping email.",
          citations: [{ type: "article", slug: s }],
        });
      if (!slug) return call("search_knowledge_base", { query: "track order delivery" });
      if (feedbackAt < 0) return drafted(0) ? text("Drafted.") : draft("made-up-article");
      return drafted(feedbackAt) ? text("Revised.") : draft(slug);
    },
  });
}

describe("the typed decision chain", () => {
  let handle: TestDatabase;
  let db: Db;
  const now = new Date();

  beforeAll(async () => {
    handle = await createTestDatabase(defaultDriver());
    db = handle.db;
    await seedDemo(db, { now });
  });
  afterAll(() => handle?.destroy());

  it("a repaired run writes check, round, result and the blocked check as columns, and the metrics count them", async () => {
    const [ticket] = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(eq(tickets.intent, "track_order"))
      .orderBy(asc(tickets.externalId))
      .limit(1);
    const model = repairingModel();
    const outcome = await runAgent(db, ticket?.id ?? "", {
      useCache: false,
      models: { small: "scripted:repairing", large: "scripted:repairing", fallback: OFFLINE_MODEL_ID },
      resolveModel: () => model,
    });
    expect(outcome.status).toBe("succeeded");

    const steps = await db
      .select({
        name: agentSteps.name,
        check: agentSteps.check,
        round: agentSteps.round,
        passed: agentSteps.passed,
        budget: agentSteps.budget,
      })
      .from(agentSteps)
      .where(and(eq(agentSteps.runId, outcome.runId), eq(agentSteps.kind, "verification")))
      .orderBy(asc(agentSteps.seq));
    // Every check in each round, with its display name kept.
    expect(steps.map((s) => [s.check, s.round])).toEqual([
      ...CHECKS.map((c) => [c, 0]),
      ...CHECKS.map((c) => [c, 1]),
    ]);
    expect(steps.map((s) => s.name)).toEqual([...CHECKS, ...CHECKS.map((c) => `repair: ${c}`)]);
    expect(steps.filter((s) => s.passed === false).map((s) => [s.check, s.round])).toEqual([
      ["citations_valid", 0],
    ]);
    expect(steps.every((s) => s.passed !== null && s.budget === null)).toBe(true);

    // The first draft, set aside by verification, names its failed check as a column.
    const actions = await db
      .select({
        status: agentActions.status,
        blockedBy: agentActions.blockedBy,
        blockedCheck: agentActions.blockedCheck,
      })
      .from(agentActions)
      .where(eq(agentActions.runId, outcome.runId))
      .orderBy(asc(agentActions.status));
    expect(actions).toEqual([
      { status: "blocked", blockedBy: "verify:citations_valid", blockedCheck: "citations_valid" },
      { status: "pending_review", blockedBy: null, blockedCheck: null },
    ]);

    // The failing-checks figure and its ticket link read the typed columns.
    const range = resolvePeriod({}, new Date(now.getTime() + 60_000)).current;
    const failing = await loadFailingChecks(db, range);
    const citations = failing.find((c) => c.check === "citations_valid");
    expect(citations?.failures).toBeGreaterThanOrEqual(1);
    const linked = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(ticketMetricCondition({ kind: "check", check: "citations_valid", range }));
    expect(linked.map((t) => t.id)).toContain(ticket?.id);
  });
});
