import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ruleFigureRows } from "@/db/queries/policies";
import { metricRollups } from "@/db/schema";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { type FixtureIds, insertBase, insertRun } from "@/test/metrics-fixture";
import { loadRuleFigures } from "./breakdowns";
import { resolvePeriod } from "./period";
import { firedSummary } from "./rule-fired";

const run = {
  policy: "v2",
  model: "m",
  latencyMs: 100,
  inputTokens: 1,
  outputTokens: 1,
  costMicroUsd: 1,
} as const;

describe('one definition of "fired": runs in which the rule fired, on Metrics and on Policies', () => {
  let handle: TestDatabase;
  let ids: FixtureIds;

  beforeAll(async () => {
    handle = await createTestDatabase(defaultDriver());
    ids = await insertBase(handle.db, ["a", "b", "c"]);
    // Run 1 (Nov 10): the budget rule refused three tool calls and blocked two proposals.
    await insertRun(handle.db, ids, {
      ...run,
      ticket: "a",
      started: "10T09:00:00",
      steps: [
        { kind: "guardrail", name: "budget" },
        { kind: "guardrail", name: "budget" },
        { kind: "guardrail", name: "budget" },
      ],
      actions: [
        { kind: "reply", blockedBy: "budget", created: "10T09:01:00" },
        { kind: "refund", blockedBy: "budget", created: "10T09:01:00" },
      ],
    });
    // Run 2 (Nov 11): it blocked one proposal without a step of its own; legal-escalate forced an escalation.
    await insertRun(handle.db, ids, {
      ...run,
      ticket: "b",
      started: "11T09:00:00",
      steps: [{ kind: "guardrail", name: "legal-escalate" }],
      actions: [
        { kind: "reply", blockedBy: "budget", created: "11T09:01:00" },
        { kind: "escalation", ruleIds: ["legal-escalate"], created: "11T09:01:00" },
      ],
    });
    // Run 3 (Nov 12): a failed verification blocked a reply; that is not a rule firing.
    await insertRun(handle.db, ids, {
      ...run,
      ticket: "c",
      started: "12T09:00:00",
      actions: [{ kind: "reply", blockedBy: "verify:facts_grounded", created: "12T09:01:00" }],
    });
  });
  afterAll(() => handle?.destroy());

  const period = resolvePeriod({ from: "2026-11-10", to: "2026-11-12" }).current;

  it("counts runs, not steps or blocks, on the Metrics page (computed and then from stored days)", async () => {
    const expected = [
      { ruleId: "budget", name: "budget", fired: 2, blocks: 3, forcedEscalations: 0, overrides: 0 },
      {
        ruleId: "legal-escalate",
        name: "Always escalate legal issues",
        fired: 1,
        blocks: 0,
        forcedEscalations: 1,
        overrides: 0,
      },
    ];
    expect(await loadRuleFigures(handle.db, period)).toEqual(expected);
    // The closed days are now stored: the second read adds them up.
    expect((await handle.db.select().from(metricRollups)).some((r) => r.kind === "rule")).toBe(true);
    expect(await loadRuleFigures(handle.db, period)).toEqual(expected);
  });

  it("gives the Policies page the same figure over all history", async () => {
    const rows = await ruleFigureRows(handle.db);
    const byRule = new Map(rows.map((r) => [r.ruleId, r]));
    expect(byRule.get("budget")).toMatchObject({ firedRuns: 2, blocks: 3, escalations: 0 });
    expect(byRule.get("legal-escalate")).toMatchObject({ firedRuns: 1, blocks: 0, escalations: 1 });
    expect(byRule.get("verify:facts_grounded")).toMatchObject({ firedRuns: 0, blocks: 1 });
  });

  it("says the figures in the same words on both pages", () => {
    expect(firedSummary({ firedRuns: 2, blocks: 3, forcedEscalations: 0 })).toBe(
      "Fired in 2 runs · blocked 3 actions · forced 0 escalations",
    );
    expect(firedSummary({ firedRuns: 1, blocks: 1, forcedEscalations: 1 })).toBe(
      "Fired in 1 run · blocked 1 action · forced 1 escalation",
    );
  });
});
