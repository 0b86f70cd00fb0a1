import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { DEFAULT_INSTRUCTIONS, DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { checkToolCall, ticketEscalations } from "@/lib/guardrails/evaluate";
import { rulesSchema } from "@/lib/guardrails/rules";

const CSV = path.resolve(
  import.meta.dirname,
  "../../data/bitext/Bitext_Sample_Customer_Support_Training_Dataset.csv",
);

interface BitextRow {
  instruction: string;
  intent: string;
}

const rows = parse(readFileSync(CSV, "utf8"), { columns: true, skip_empty_lines: true }) as BitextRow[];

const escalates = (text: string) => ticketEscalations(DEFAULT_RULES, { text }).length > 0;

function measure(keep: (intent: string) => boolean) {
  const selected = rows.filter((r) => keep(r.intent));
  const hits = selected.filter((r) => escalates(r.instruction));
  const rate = selected.length === 0 ? Number.NaN : hits.length / selected.length;
  const pct = `${(rate * 100).toFixed(2)}% (${hits.length}/${selected.length})`;
  return { selected, hits, rate, pct };
}

// Thresholds sit just below what the default rules measure on the data set, so a
// change to the expressions that loses requests (or catches questions) shows up here.
const RECALL: Record<string, number> = {
  get_refund: 0.99, // measured 100.00% (189/189)
  payment_issue: 0.99, // measured 99.35% (154/155)
  delete_account: 0.98, // measured 98.78% (162/164)
  contact_human_agent: 0.99, // measured 100.00% (161/161)
};
const MONEY_QUESTIONS = [
  "check_refund_policy",
  "check_payment_methods",
  "check_cancellation_fee",
  "track_refund",
];
const MONEY_QUESTION_MAX_FP = 0.02; // measured 0.00% on each
const OTHER_MAX_FP = 0.01; // measured 0.07% (2/3014)

describe("the Bitext data set", () => {
  it("has all 4,514 labelled requests", () => {
    expect(rows).toHaveLength(4_514);
    expect(new Set(rows.map((r) => r.intent)).size).toBe(27);
  });
});

describe("DEFAULT_RULES on Bitext requests", () => {
  for (const [intent, threshold] of Object.entries(RECALL)) {
    it(`escalates at least ${threshold * 100}% of ${intent} requests`, () => {
      const { selected, hits, rate, pct } = measure((i) => i === intent);
      expect(selected.length, `no ${intent} rows`).toBeGreaterThan(100);
      const missed = selected
        .filter((r) => !hits.includes(r))
        .slice(0, 5)
        .map((r) => r.instruction);
      expect(rate, `${intent} recall ${pct}; missed e.g. ${JSON.stringify(missed)}`).toBeGreaterThanOrEqual(
        threshold,
      );
    });
  }

  for (const intent of MONEY_QUESTIONS) {
    it(`rarely escalates ${intent} questions (false positives <= ${MONEY_QUESTION_MAX_FP * 100}%)`, () => {
      const { selected, hits, rate, pct } = measure((i) => i === intent);
      expect(selected.length, `no ${intent} rows`).toBeGreaterThan(100);
      const examples = hits.slice(0, 5).map((r) => r.instruction);
      expect(rate, `${intent} false positives ${pct}: ${JSON.stringify(examples)}`).toBeLessThanOrEqual(
        MONEY_QUESTION_MAX_FP,
      );
    });
  }

  it(`rarely escalates any other request (false positives <= ${OTHER_MAX_FP * 100}%)`, () => {
    const excluded = new Set([...Object.keys(RECALL), ...MONEY_QUESTIONS, "complaint"]);
    const { selected, hits, rate, pct } = measure((i) => !excluded.has(i));
    expect(selected.length).toBeGreaterThan(2_500);
    const examples = hits.slice(0, 10).map((r) => `${r.intent}: ${r.instruction}`);
    expect(rate, `other intents false positives ${pct}: ${JSON.stringify(examples)}`).toBeLessThanOrEqual(
      OTHER_MAX_FP,
    );
  });

  it("sends refund requests and payment problems to billing, deletion to privacy and human requests to support", () => {
    const teamOf = (text: string) => ticketEscalations(DEFAULT_RULES, { text }).map((f) => f.team);
    expect(teamOf("I want to get a refund for my order")).toContain("billing");
    expect(teamOf("I have a problem with my payment")).toContain("billing");
    expect(teamOf("please delete my account")).toContain("privacy");
    expect(teamOf("I want to talk to a human")).toContain("support");
  });
});

describe("DEFAULT_RULES on handwritten legal threats", () => {
  const legalTeam = (text: string) =>
    ticketEscalations(DEFAULT_RULES, { text }).filter(
      (f) => f.team === "legal" && f.ruleId === "legal-escalate",
    );

  for (const threat of [
    "My lawyer will be in touch",
    "I will take you to small claims court",
    "If this is not fixed I will sue you",
    "Expect a lawsuit from my attorney",
    "I'm reporting you to the regulator and considering legal action.",
  ]) {
    it(`escalates "${threat}" to the legal team`, () => {
      expect(legalTeam(threat)).toHaveLength(1);
    });
  }

  for (const ordinary of [
    "I have an issue with my order",
    "Several issues with my delivery",
    "I want to pursue a different shipping option",
  ]) {
    it(`does not treat "${ordinary}" as a legal threat`, () => {
      expect(legalTeam(ordinary)).toEqual([]);
    });
  }
});

describe("DEFAULT_RULES as a policy", () => {
  it("passes the rule schema", () => {
    const parsed = rulesSchema.safeParse(DEFAULT_RULES);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it("blocks the agent from moving money, requires citations and sets a budget", () => {
    const decision = checkToolCall(
      DEFAULT_RULES,
      "issue_refund",
      { amountCents: 100 },
      { steps: 0, tokens: 0 },
    );
    expect(decision).toMatchObject({ allowed: false, ruleId: "no-payments" });
    expect(DEFAULT_RULES.some((r) => r.type === "require_citations")).toBe(true);
    expect(DEFAULT_RULES.find((r) => r.type === "budget")).toMatchObject({ maxSteps: 8, maxTokens: 20_000 });
  });

  it("tells the agent never to promise refunds or deletion itself", () => {
    expect(DEFAULT_INSTRUCTIONS).toMatch(/Never promise refunds, payments or data deletion/);
  });
});
