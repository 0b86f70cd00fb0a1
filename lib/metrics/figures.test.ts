import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tickets } from "@/db/schema";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { type FixtureIds, insertBase, insertRun, T } from "@/test/metrics-fixture";
import { loadFailingChecks, loadRuleFigures, loadTopReasons } from "./breakdowns";
import { emptyFigures, type Figures, loadFigures } from "./figures";
import { resolvePeriod } from "./period";
import { loadMetricsReport } from "./report";
import { parseTicketMetricFilter, ticketMetricCondition, ticketsHref } from "./ticket-links";

/*
 * The fixture, by hand. The period P is 2026-11-10 .. 2026-11-12 (UTC, three
 * whole days: [11-10 00:00, 11-13 00:00)); the previous period is 11-07 .. 11-09.
 * Each action is proposed one minute after its run starts.
 *
 * run  ticket policy model   started      status     latency tokens(in+out) cost  actions -> review
 * R0   T0     v1     offline 11-08 09:00  succeeded  1000    100+100        100   A0 reply -> approve 11-08 09:31
 * R1   T1     v1     offline 11-10 09:00  succeeded  100     1000+200       0     A1 reply -> approve 11-10 10:01
 * R2   T2     v1     gpt     11-10 12:00  succeeded  300     3000+500       5000  A2 reply -> edit (0.4, tone) 11-10 14:01
 *                                                                                 (citations_present failed: not grounding)
 * R3   T3     v2     gpt     11-11 08:00  succeeded  200     2000+300       3000  A3 escalation [legal-escalate] -> approve 08:31
 *                                                                                 A4 refund blocked no-payments -> escalate 09:01
 *                                                                                 (guardrail steps legal-escalate, no-payments)
 * R4   T4     v2     offline 11-11 10:00  succeeded  400     500+100        0     A5 reply blocked verify:facts_grounded
 *                                                                                    -> reject (hallucination) 10:11
 *                                                                                 A6 reply -> approve (hallucination, tone) 12:01
 *                                                                                 (facts_grounded failed, repair: facts_grounded
 *                                                                                  passed, repair: citations_valid failed)
 * R5   T5     v2     offline 11-12 09:00  failed     50      0+0            0     none
 * R6   T5     v2     offline 11-12 10:00  succeeded  150     800+200        0     A7 escalation [human-requested]
 *                                                                                    -> reject (should_not_have_escalated) 11:01
 * R7   T6     v2     offline 11-12 11:00  running    -       -              -     none (still running: not counted)
 * R8   T7     v2     offline 11-12 23:00  succeeded  250     400+100        1000  A8 reply -> approve 11-13 01:00 (after P)
 * Rx   T8     v1     offline 11-01 09:00  succeeded  500     50+50          0     A9 reply -> approve 11-01 10:00 (before both)
 * (gpt = openai:gpt-4.1)
 */
const GPT = "openai:gpt-4.1";

async function buildFixture(db: TestDatabase["db"]): Promise<FixtureIds> {
  const ids = await insertBase(db, ["T0", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"]);
  const base = { inputTokens: 0, outputTokens: 0, costMicroUsd: 0 };
  await insertRun(db, ids, {
    ...base,
    ticket: "T0",
    policy: "v1",
    model: "offline",
    started: "08T09:00:00",
    latencyMs: 1000,
    inputTokens: 100,
    outputTokens: 100,
    costMicroUsd: 100,
    steps: [{ kind: "guardrail", name: "refund-requests" }],
    actions: [{ kind: "reply", created: "08T09:01:00", review: { decision: "approve", at: "08T09:31:00" } }],
  });
  await insertRun(db, ids, {
    ticket: "T1",
    policy: "v1",
    model: "offline",
    started: "10T09:00:00",
    latencyMs: 100,
    inputTokens: 1000,
    outputTokens: 200,
    costMicroUsd: 0,
    actions: [{ kind: "reply", created: "10T09:01:00", review: { decision: "approve", at: "10T10:01:00" } }],
  });
  await insertRun(db, ids, {
    ticket: "T2",
    policy: "v1",
    model: GPT,
    started: "10T12:00:00",
    latencyMs: 300,
    inputTokens: 3000,
    outputTokens: 500,
    costMicroUsd: 5000,
    steps: [{ kind: "verification", name: "citations_present", passed: false }],
    actions: [
      {
        kind: "reply",
        created: "10T12:01:00",
        review: { decision: "edit", at: "10T14:01:00", editDistance: 0.4, tags: ["tone"] },
      },
    ],
  });
  await insertRun(db, ids, {
    ticket: "T3",
    policy: "v2",
    model: GPT,
    started: "11T08:00:00",
    latencyMs: 200,
    inputTokens: 2000,
    outputTokens: 300,
    costMicroUsd: 3000,
    steps: [
      { kind: "guardrail", name: "legal-escalate" },
      { kind: "guardrail", name: "no-payments" },
    ],
    actions: [
      {
        kind: "escalation",
        ruleIds: ["legal-escalate"],
        created: "11T08:01:00",
        review: { decision: "approve", at: "11T08:31:00" },
      },
      {
        kind: "refund",
        blockedBy: "no-payments",
        created: "11T08:01:00",
        review: { decision: "escalate", at: "11T09:01:00" },
      },
    ],
  });
  await insertRun(db, ids, {
    ticket: "T4",
    policy: "v2",
    model: "offline",
    started: "11T10:00:00",
    latencyMs: 400,
    inputTokens: 500,
    outputTokens: 100,
    costMicroUsd: 0,
    steps: [
      { kind: "verification", name: "facts_grounded", passed: false },
      { kind: "verification", name: "repair: facts_grounded", passed: true },
      { kind: "verification", name: "repair: citations_valid", passed: false },
    ],
    actions: [
      {
        kind: "reply",
        blockedBy: "verify:facts_grounded",
        created: "11T10:01:00",
        review: { decision: "reject", at: "11T10:11:00", tags: ["hallucination"] },
      },
      {
        kind: "reply",
        created: "11T10:01:00",
        review: { decision: "approve", at: "11T12:01:00", tags: ["hallucination", "tone"] },
      },
    ],
  });
  await insertRun(db, ids, {
    ...base,
    ticket: "T5",
    policy: "v2",
    model: "offline",
    started: "12T09:00:00",
    status: "failed",
    latencyMs: 50,
  });
  await insertRun(db, ids, {
    ticket: "T5",
    policy: "v2",
    model: "offline",
    started: "12T10:00:00",
    latencyMs: 150,
    inputTokens: 800,
    outputTokens: 200,
    costMicroUsd: 0,
    steps: [{ kind: "guardrail", name: "human-requested" }],
    actions: [
      {
        kind: "escalation",
        ruleIds: ["human-requested"],
        created: "12T10:01:00",
        review: { decision: "reject", at: "12T11:01:00", tags: ["should_not_have_escalated"] },
      },
    ],
  });
  await insertRun(db, ids, {
    ...base,
    ticket: "T6",
    policy: "v2",
    model: "offline",
    started: "12T11:00:00",
    status: "running",
    latencyMs: 0,
  });
  await insertRun(db, ids, {
    ticket: "T7",
    policy: "v2",
    model: "offline",
    started: "12T23:00:00",
    latencyMs: 250,
    inputTokens: 400,
    outputTokens: 100,
    costMicroUsd: 1000,
    actions: [{ kind: "reply", created: "12T23:01:00", review: { decision: "approve", at: "13T01:00:00" } }],
  });
  await insertRun(db, ids, {
    ticket: "T8",
    policy: "v1",
    model: "offline",
    started: "01T09:00:00",
    latencyMs: 500,
    inputTokens: 50,
    outputTokens: 50,
    costMicroUsd: 0,
    actions: [{ kind: "reply", created: "01T09:01:00", review: { decision: "approve", at: "01T10:00:00" } }],
  });
  return ids;
}

const P = resolvePeriod({ from: "2026-11-10", to: "2026-11-12" });

describe.each(availableDrivers())("metrics on %s", (driver) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    await buildFixture(handle.db);
  });
  afterAll(() => handle?.destroy());

  it("reads the period as three whole UTC days, the previous period as the three before", () => {
    expect(P.current).toEqual({ from: T("10T00:00:00"), to: T("13T00:00:00") });
    expect(P.previous).toEqual({ from: T("07T00:00:00"), to: T("10T00:00:00") });
  });

  describe("the period", () => {
    let f: Figures;
    beforeAll(async () => {
      f = (await loadFigures(handle.db, P)).current;
    });

    it("coverage: runs with an approvable reply draft / finished runs", () => {
      // Finished runs started in P: R1 R2 R3 R4 R5 R6 R8 = 7 (R7 is still running; R0, Rx are outside).
      // With a reply that is not blocked: R1 (A1), R2 (A2), R4 (A6; A5 is blocked), R8 (A8) = 4.
      expect(f.runs).toBe(7);
      expect(f.runsWithReply).toBe(4);
      expect(f.coverage).toBe(4 / 7);
    });

    it("cost and tokens per task: totals over the distinct tickets drafted", () => {
      // Tickets: T1 T2 T3 T4 T5 (two runs) T7 = 6.
      // Cost: 0 + 5000 + 3000 + 0 + 0 + 0 + 1000 = 9000 micro-USD -> 1500 per task.
      // Tokens: 1200 + 3500 + 2300 + 600 + 0 + 1000 + 500 = 9100 -> 9100 / 6 per task.
      expect(f.ticketsDrafted).toBe(6);
      expect(f.costMicroUsd).toBe(9000);
      expect(f.costPerTaskMicroUsd).toBe(1500);
      expect(f.tokens).toBe(9100);
      expect(f.tokensPerTask).toBe(9100 / 6);
    });

    it("agent latency: continuous percentiles over finished runs", () => {
      // Sorted: 50 100 150 200 250 300 400. p50 = the 4th = 200.
      // p95 sits at (7 - 1) * 0.95 = 5.7: 300 + 0.7 * (400 - 300) = 370.
      expect(f.latencyP50Ms).toBe(200);
      expect(f.latencyP95Ms).toBeCloseTo(370, 9);
    });

    it("decision quality: approvals, and escalations of escalations, over reviewed actions", () => {
      // Reviews in P: V1..V7 (V8 is after P) = 7. Agreed: V1 approve, V3 approve (escalation),
      // V6 approve = 3. V2 edit, V4 escalating a refund, V5 and V7 rejections disagree.
      expect(f.reviewedActions).toBe(7);
      expect(f.agreedActions).toBe(3);
      expect(f.decisionQuality).toBe(3 / 7);
    });

    it("edit rate and mean edit distance: edits over reviewed replies", () => {
      // Reviewed replies: A1 A2 A5 A6 = 4; edits: A2 (0.4).
      expect(f.reviewedReplies).toBe(4);
      expect(f.edits).toBe(1);
      expect(f.editRate).toBe(1 / 4);
      expect(f.meanEditDistance).toBe(0.4);
    });

    it("hallucination rate: reviewed replies whose run failed grounding, or tagged, over reviewed replies", () => {
      // A5 and A6 (R4 failed facts_grounded); A2's failed citations_present is not a grounding check.
      expect(f.hallucinatedReplies).toBe(2);
      expect(f.hallucinationRate).toBe(2 / 4);
    });

    it("time to review: from proposal to decision, continuous percentiles in seconds", () => {
      // V1 3600, V2 7200, V3 1800, V4 3600, V5 600, V6 7200, V7 3600.
      // Sorted: 600 1800 3600 3600 3600 7200 7200 -> p50 3600; p95 at 5.7 -> 7200 + 0.7 * 0.
      expect(f.timeToReviewP50Seconds).toBe(3600);
      expect(f.timeToReviewP95Seconds).toBeCloseTo(7200, 9);
    });

    it("auto-resolution and escalation rate: over tickets with a decision in the period", () => {
      // Decided in P: T1, T2, T3 (V3, V4), T4 (V5, V6), T5 (V7) = 5. T7's review is after P.
      // Auto-resolved (a reply draft approved without edit): T1, T4 = 2. T2 was edited; T3 and T5 had no approved reply.
      // Escalated: T3 (V3 approved the escalation, V4 escalated the refund) = 1. T5's escalation was rejected.
      expect(f.ticketsDecided).toBe(5);
      expect(f.autoResolved).toBe(2);
      expect(f.autoResolution).toBe(2 / 5);
      expect(f.escalatedTickets).toBe(1);
      expect(f.escalationRate).toBe(1 / 5);
    });
  });

  it("the previous period, and a ratio over nothing is null", async () => {
    // R0 only: 1 run with a reply, 1 ticket, cost 100, tokens 200, latency 1000; V0 approves A0 after 1800 s.
    const previous = (await loadFigures(handle.db, P)).previous;
    expect(previous).toMatchObject({
      runs: 1,
      coverage: 1,
      costPerTaskMicroUsd: 100,
      tokensPerTask: 200,
      latencyP50Ms: 1000,
      latencyP95Ms: 1000,
      reviewedActions: 1,
      decisionQuality: 1,
      reviewedReplies: 1,
      editRate: 0,
      hallucinationRate: 0,
      timeToReviewP50Seconds: 1800,
      ticketsDecided: 1,
      autoResolution: 1,
      escalationRate: 0,
    });
    // No edit in the period: the mean edit distance is undefined, not 0.
    expect(previous.edits).toBe(0);
    expect(previous.meanEditDistance).toBeNull();
  });

  it("an empty period: every count 0, every ratio, mean and percentile null", async () => {
    const empty = await loadFigures(handle.db, resolvePeriod({ from: "2026-12-01", to: "2026-12-07" }));
    expect(empty.current).toEqual(emptyFigures());
    expect(empty.current).toMatchObject({
      runs: 0,
      coverage: null,
      costPerTaskMicroUsd: null,
      tokensPerTask: null,
      latencyP50Ms: null,
      decisionQuality: null,
      editRate: null,
      meanEditDistance: null,
      hallucinationRate: null,
      timeToReviewP95Seconds: null,
      autoResolution: null,
      escalationRate: null,
    });
    expect(empty.cuts.size).toBe(0);
  });

  it("runs but no reviews: the review and ticket ratios are null, not 0", async () => {
    // 11-12 12:00 .. 11-13 00:00: R8 only (R7 is running); V7 was at 11:01, V8 after midnight.
    const late = await loadFigures(
      handle.db,
      resolvePeriod({ from: "2026-11-12T12:00:00Z", to: "2026-11-13T00:00:00Z" }),
    );
    expect(late.current).toMatchObject({
      runs: 1,
      coverage: 1,
      costPerTaskMicroUsd: 1000,
      reviewedActions: 0,
      decisionQuality: null,
      reviewedReplies: 0,
      editRate: null,
      hallucinationRate: null,
      timeToReviewP50Seconds: null,
      ticketsDecided: 0,
      autoResolution: null,
      escalationRate: null,
    });
  });

  it("by day: each UTC day of the period, and the days before it for anomaly baselines", async () => {
    const { days } = await loadFigures(handle.db, P);
    // 11-10: R1 R2; V1 V2; T1 T2 decided.
    expect(days.get("2026-11-10")).toMatchObject({
      runs: 2,
      reviewedActions: 2,
      ticketsDecided: 2,
      edits: 1,
    });
    // 11-11: R3 R4; V3 V4 V5 V6; T3 T4 decided, T3 escalated.
    expect(days.get("2026-11-11")).toMatchObject({
      runs: 2,
      reviewedActions: 4,
      ticketsDecided: 2,
      escalatedTickets: 1,
      escalationRate: 1 / 2,
      hallucinationRate: 2 / 2,
    });
    // 11-12: R5 R6 R8 (R7 running); V7; T5 decided.
    expect(days.get("2026-11-12")).toMatchObject({ runs: 3, reviewedActions: 1, ticketsDecided: 1 });
    // Before P, back to 14 days before it (the anomaly baselines): 11-01 (Rx and its review) and
    // 11-08 (R0 and its review), each one run, one reviewed reply and one decided ticket, nothing
    // escalated or hallucinated.
    for (const day of ["2026-11-01", "2026-11-08"]) {
      expect(days.get(day)).toMatchObject({
        reviewedReplies: 1,
        hallucinatedReplies: 0,
        ticketsDecided: 1,
        escalatedTickets: 0,
        runs: 1,
      });
    }
    expect(days.has("2026-10-26")).toBe(false);
  });

  it("by policy version: each record under the version of its run", async () => {
    const { cuts, current } = await loadFigures(handle.db, { ...P, groupBy: "policy" });
    // v1: R1 R2; V1 V2 (1 agreed); T1 T2 decided. v2: R3 R4 R5 R6 R8; V3..V7 (V3, V6 agreed); T3 T4 T5.
    expect(cuts.get("1")).toMatchObject({ runs: 2, reviewedActions: 2, agreedActions: 1, ticketsDecided: 2 });
    expect(cuts.get("2")).toMatchObject({
      runs: 5,
      reviewedActions: 5,
      agreedActions: 2,
      decisionQuality: 2 / 5,
      ticketsDecided: 3,
      escalatedTickets: 1,
    });
    expect([...cuts.keys()].sort()).toEqual(["1", "2"]);
    // Grouping changes the cut, never the period's own figures.
    expect(current.runs).toBe(7);
  });

  it("by model", async () => {
    const { cuts } = await loadFigures(handle.db, { ...P, groupBy: "model" });
    // offline: R1 R4 R5 R6 R8; V1 V5 V6 V7; T1 T4 T5. gpt: R2 R3; V2 V3 V4; T2 T3.
    expect(cuts.get("offline")).toMatchObject({
      runs: 5,
      reviewedActions: 4,
      ticketsDecided: 3,
      costMicroUsd: 1000,
    });
    expect(cuts.get(GPT)).toMatchObject({
      runs: 2,
      reviewedActions: 3,
      ticketsDecided: 2,
      costMicroUsd: 8000,
    });
  });

  it("per guardrail rule: fired, blocks, forced escalations, reviewer overrides", async () => {
    const rules = await loadRuleFigures(handle.db, P.current);
    // In P: legal-escalate fired in R3 and forced A3 (approved); no-payments fired and blocked A4;
    // human-requested fired in R6 and forced A7, which the reviewer rejected (an override).
    // refund-requests fired only in R0 (previous period): not listed.
    expect(rules).toEqual([
      {
        ruleId: "human-requested",
        name: "human-requested",
        fired: 1,
        blocks: 0,
        forcedEscalations: 1,
        overrides: 1,
      },
      {
        ruleId: "legal-escalate",
        name: "Always escalate legal issues",
        fired: 1,
        blocks: 0,
        forcedEscalations: 1,
        overrides: 0,
      },
      {
        ruleId: "no-payments",
        name: "Do not handle payments",
        fired: 1,
        blocks: 1,
        forcedEscalations: 0,
        overrides: 0,
      },
    ]);
  });

  it("top reasons: tags on reviews in the period, with the tickets they are on", async () => {
    // hallucination: V5, V6 (both T4); tone: V2 (T2), V6 (T4); should_not_have_escalated: V7 (T5).
    expect(await loadTopReasons(handle.db, P.current)).toEqual([
      { tag: "hallucination", reviews: 2, tickets: 1 },
      { tag: "tone", reviews: 2, tickets: 2 },
      { tag: "should_not_have_escalated", reviews: 1, tickets: 1 },
    ]);
  });

  it("failing checks: failed verification steps of runs started in the period, repair rounds folded in", async () => {
    // R2 citations_present; R4 facts_grounded and "repair: citations_valid" (its repaired facts_grounded passed).
    expect(await loadFailingChecks(handle.db, P.current)).toEqual([
      { check: "citations_present", failures: 1, tickets: 1 },
      { check: "citations_valid", failures: 1, tickets: 1 },
      { check: "facts_grounded", failures: 1, tickets: 1 },
    ]);
  });

  describe("ticket links select exactly the tickets a figure counted", () => {
    const linked = async (href: string) => {
      const { filter, error } = parseTicketMetricFilter(
        Object.fromEntries(new URL(href, "http://x").searchParams),
      );
      if (!filter) throw new Error(error ?? "no filter");
      const rows = await handle.db
        .select({ name: tickets.subject })
        .from(tickets)
        .where(ticketMetricCondition(filter));
      return rows.map((r) => r.name).sort();
    };
    const range = P.current;

    it("by reason tag, check, outcome and rule", async () => {
      expect(await linked(ticketsHref({ kind: "reason", tag: "tone", range }))).toEqual(["T2", "T4"]);
      expect(await linked(ticketsHref({ kind: "reason", tag: "hallucination", range }))).toEqual(["T4"]);
      expect(await linked(ticketsHref({ kind: "check", check: "citations_valid", range }))).toEqual(["T4"]);
      expect(await linked(ticketsHref({ kind: "check", check: "citations_present", range }))).toEqual(["T2"]);
      expect(await linked(ticketsHref({ kind: "outcome", outcome: "escalated", range }))).toEqual(["T3"]);
      expect(await linked(ticketsHref({ kind: "outcome", outcome: "hallucination", range }))).toEqual(["T4"]);
      expect(await linked(ticketsHref({ kind: "rule", ruleId: "no-payments", range }))).toEqual(["T3"]);
      expect(await linked(ticketsHref({ kind: "rule", ruleId: "human-requested", range }))).toEqual(["T5"]);
      // The previous period's rule firing is not in this period's link.
      expect(await linked(ticketsHref({ kind: "rule", ruleId: "refund-requests", range }))).toEqual([]);
      expect(await linked("/tickets?rule=refund-requests&from=2026-11-07&to=2026-11-09")).toEqual(["T0"]);
    });

    it("refuses a broken link with a message instead of guessing", () => {
      expect(parseTicketMetricFilter({})).toEqual({ filter: null });
      expect(parseTicketMetricFilter({ reason: "rude" }).error).toMatch(/That reason tag does not exist/);
      expect(parseTicketMetricFilter({ reason: "tone", check: "facts_grounded" }).error).toMatch(
        /one of reason/,
      );
      expect(
        parseTicketMetricFilter({ outcome: "escalated", from: "2026-11-10", to: "2026-11-01" }).error,
      ).toMatch(/must be before to/);
    });
  });

  it("the report: headline for the period and the one before, series labelled by cut", async () => {
    const byPolicy = await loadMetricsReport(handle.db, { ...P, groupBy: "policy" });
    expect(byPolicy.headline.current.runs).toBe(7);
    expect(byPolicy.headline.previous.runs).toBe(1);
    expect(byPolicy.series.map((s) => [s.label, s.figures.runs])).toEqual([
      ["v1", 2],
      ["v2", 5],
    ]);
    const byModel = await loadMetricsReport(handle.db, { ...P, groupBy: "model" });
    expect(byModel.series.map((s) => [s.label, s.figures.runs])).toEqual([
      ["offline", 5],
      [GPT, 2],
    ]);
    const byDay = await loadMetricsReport(handle.db, P);
    expect(byDay.series.map((s) => s.key)).toEqual(["2026-11-10", "2026-11-11", "2026-11-12"]);
    expect(byDay.topReasons[0]).toMatchObject({ tag: "hallucination", label: "Hallucination" });
    expect(byDay.rules[0]?.ticketsHref).toMatch(/^\/tickets\?rule=human-requested&from=/);
    // Plain JSON: what the API sends is what the page renders.
    expect(JSON.parse(JSON.stringify(byDay))).toEqual(byDay);
  });
});
