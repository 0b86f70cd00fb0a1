import { describe, expect, it } from "vitest";
import { DEFAULT_INSTRUCTIONS, DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { describeIssue, invalidDraft } from "@/lib/guardrails/inputs";
import type { Rule } from "@/lib/guardrails/rules";
import { checkDraft, contradictions, samePolicy } from "@/lib/guardrails/validate";

const base = { name: "Rule", explanation: "Why it exists." };
const published = { version: 1, rules: DEFAULT_RULES, instructions: DEFAULT_INSTRUCTIONS };
const messages = (rules: unknown[], instructions = "Be kind.") => {
  const check = checkDraft({ rules, instructions }, published);
  return check.ok ? [] : check.issues.map((i) => `${i.path}: ${i.message}`);
};

describe("checkDraft", () => {
  it("accepts a changed, valid draft and returns the parsed rules with defaults filled in", () => {
    const check = checkDraft(
      {
        rules: [{ ...base, id: "legal", type: "escalate_keywords", keywords: [" ombudsman "] }],
        instructions: "Hi",
      },
      published,
    );
    expect(check).toEqual({
      ok: true,
      rules: [{ ...base, id: "legal", type: "escalate_keywords", keywords: ["ombudsman"], team: "support" }],
    });
  });

  it("says which rule and field is wrong: a bad regular expression, an empty keyword list", () => {
    expect(
      messages([
        { ...base, id: "ok-rule", type: "require_citations" },
        { ...base, id: "bad-regex", type: "escalate_regex", pattern: "(unclosed" },
        { ...base, id: "no-words", type: "escalate_keywords", keywords: [] },
      ]),
    ).toEqual([
      "rules.1.pattern: The pattern is not a valid regular expression (missing closing )).",
      "rules.2.keywords: Add at least one keyword.",
    ]);
  });

  it("explains amounts and budgets that are not numbers", () => {
    expect(
      messages([
        { ...base, id: "cap", type: "max_refund", maxCents: null },
        { ...base, id: "budget", type: "budget", maxSteps: 2.5, maxTokens: 50 },
      ]),
    ).toEqual([
      "rules.0.maxCents: Enter an amount, like 50 or 49.99 dollars.",
      "rules.1.maxSteps: Enter the step budget as a whole number.",
      "rules.1.maxTokens: The token budget must be at least 100 tokens.",
    ]);
  });

  it("refuses duplicate rule ids", () => {
    expect(
      messages([
        { ...base, id: "same", type: "require_citations" },
        { ...base, id: "same", type: "block_tool", tool: "issue_refund" },
      ]),
    ).toEqual(['rules.1.id: Two rules share the id "same".']);
  });

  it("asks for planner instructions", () => {
    expect(messages([], "   ")).toEqual([
      "instructions: Write instructions for the planner: they cannot be empty.",
    ]);
  });

  it("says nothing changed when the draft equals the published version, whatever the whitespace", () => {
    const same = JSON.parse(JSON.stringify(DEFAULT_RULES)).map((r: { name: string }) => ({
      ...r,
      name: ` ${r.name} `,
    }));
    expect(messages(same, `${DEFAULT_INSTRUCTIONS}\n`)).toEqual([
      ": Nothing changed: this draft is the same as the published version 1. Change a rule, the instructions or the agent's shape, or discard the draft.",
    ]);
    // Only the agent's shape changes: that is a change (a version stored before shapes is the loop).
    expect(
      checkDraft({ rules: same, instructions: DEFAULT_INSTRUCTIONS, agentShape: "team" }, published),
    ).toMatchObject({
      ok: true,
    });
    expect(
      checkDraft({ rules: same, instructions: DEFAULT_INSTRUCTIONS, agentShape: "loop" }, published),
    ).toMatchObject({
      ok: false,
    });
    expect(messages(same, `${DEFAULT_INSTRUCTIONS} Be brief.`)).toEqual([]);
    expect(messages(same.slice(1), DEFAULT_INSTRUCTIONS)).toEqual([]);
  });

  it("compares with a published version whose stored rules are broken as changed", () => {
    const check = checkDraft(
      { rules: DEFAULT_RULES, instructions: DEFAULT_INSTRUCTIONS },
      { ...published, rules: [{ type: "nope" }] },
    );
    expect(check.ok).toBe(true);
  });
});

describe("contradictions", () => {
  const escalate: Rule = {
    ...base,
    id: "legal",
    type: "escalate_keywords",
    keywords: ["lawyer"],
    team: "legal",
  };
  const issues = (rules: Rule[]) => contradictions(rules).map((i) => `${i.path}: ${i.message}`);

  it("refuses blocking escalations while a rule requires them", () => {
    expect(issues([escalate, { ...base, id: "no-esc", type: "block_action", action: "escalation" }])).toEqual(
      [
        "rules.1.action: This blocks escalations, but rule “Rule” requires them: the tickets it matches could never reach a person. Remove one of the two.",
      ],
    );
    expect(
      issues([escalate, { ...base, id: "no-esc", type: "block_tool", tool: "escalate_to_human" }]),
    ).toHaveLength(1);
    expect(issues([{ ...base, id: "no-esc", type: "block_action", action: "escalation" }])).toEqual([]);
  });

  it("allows a refund cap next to a block on refunds", () => {
    expect(
      issues([
        { ...base, id: "cap", type: "max_refund", maxCents: 5_000 },
        { ...base, id: "no-pay", type: "block_tool", tool: "issue_refund" },
      ]),
    ).toEqual([]);
  });

  it("refuses required citations when nothing citable can be looked up", () => {
    const rules: Rule[] = [
      { ...base, id: "cite", type: "require_citations" },
      { ...base, id: "no-kb", type: "block_tool", tool: "search_knowledge_base" },
    ];
    expect(issues(rules)).toEqual([]);
    expect(
      issues([...rules, { ...base, id: "no-orders", type: "block_tool", tool: "lookup_orders" }]),
    ).toEqual([
      "rules.0.type: Citations are required, but both tools that find something to cite (search_knowledge_base and lookup_orders) are blocked, so every reply would fail verification. Unblock one of them or drop this rule.",
    ]);
  });

  it("refuses a budget under 2 steps and a second budget", () => {
    expect(
      issues([
        { ...base, id: "b1", type: "budget", maxSteps: 1, maxTokens: 1_000 },
        { ...base, id: "b2", type: "budget", maxSteps: 5, maxTokens: 1_000 },
      ]),
    ).toEqual([
      "rules.0.maxSteps: A run needs at least 2 steps (one to look things up, one to propose); with fewer, every run stops and escalates.",
      "rules.1.type: Only the first budget rule applies. Merge the budgets into one rule.",
    ]);
  });

  it("refuses an exception that cancels the rule", () => {
    expect(
      issues([
        { ...base, id: "r", type: "escalate_regex", pattern: "refund", unless: "refund", team: "billing" },
      ]),
    ).toEqual(["rules.0.unless: The exception is the same as the pattern, so this rule can never fire."]);
    expect(issues([{ ...escalate, keywords: ["sue", "lawyer"], unless: "sue|lawyer" } as Rule])).toEqual([
      "rules.0.unless: The exception matches every keyword, so this rule can never fire. Narrow the exception.",
    ]);
    expect(issues([{ ...escalate, keywords: ["sue", "lawyer"], unless: "sue" } as Rule])).toEqual([]);
  });
});

describe("samePolicy", () => {
  it("ignores key order and trailing whitespace in the instructions, not rule order", () => {
    const a = DEFAULT_RULES.slice(0, 2);
    const reordered = a.map((r) => Object.fromEntries(Object.entries(r).reverse()) as Rule);
    expect(samePolicy({ rules: a, instructions: "x " }, { rules: reordered, instructions: "x" })).toBe(true);
    expect(samePolicy({ rules: a, instructions: "x" }, { rules: [...a].reverse(), instructions: "x" })).toBe(
      false,
    );
  });
});

describe("draft error messages", () => {
  it("names the rule by its position and the field", () => {
    expect(describeIssue({ path: "rules.3.keywords.0", message: "Keywords cannot be empty." })).toBe(
      "Rule 4, keywords.0: Keywords cannot be empty.",
    );
    expect(describeIssue({ path: "", message: "Nothing changed." })).toBe("Nothing changed.");
    const error = invalidDraft([
      {
        path: "rules.0.pattern",
        message: "The pattern is not a valid regular expression (missing closing )).",
      },
      { path: "instructions", message: "Write instructions." },
    ]);
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      "Rule 1, pattern: The pattern is not a valid regular expression (missing closing )). (and 1 more problem)",
    );
    expect(error.details?.issues).toHaveLength(2);
  });
});
