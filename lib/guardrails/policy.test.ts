import { describe, expect, it } from "vitest";
import { checkToolCall, ticketEscalations } from "@/lib/guardrails/evaluate";
import { FAIL_CLOSED_RULE, FAIL_CLOSED_RULES, loadPolicy, type StoredPolicy } from "@/lib/guardrails/policy";
import { ruleSchema, rulesSchema } from "@/lib/guardrails/rules";

const row = (rules: unknown): StoredPolicy => ({
  id: "policy-1",
  version: 3,
  instructions: "Be kind.",
  rules,
});

const base = { id: "legal", name: "Legal", explanation: "Legal threats go to legal." };

const ordinaryTicket = { text: "Hi, where is my parcel? It was due yesterday." };

describe("loadPolicy with valid rules", () => {
  const rules = [
    { ...base, type: "escalate_keywords", keywords: ["lawyer"], team: "legal" },
    { id: "no-payments", type: "block_tool", tool: "issue_refund", name: "No payments", explanation: "No." },
    {
      id: "deletion",
      type: "escalate_regex",
      pattern: String.raw`\bdelete\b`,
      unless: "how do i",
      name: "Deletion",
      explanation: "Privacy handles it.",
    },
  ];

  it("loads the rules as stored, with the policy's identity and instructions", () => {
    const policy = loadPolicy(row(rules));
    expect(policy.failedClosed).toBe(false);
    expect(policy.loadError).toBeUndefined();
    expect(policy).toMatchObject({ id: "policy-1", version: 3, instructions: "Be kind." });
    expect(policy.rules.map((r) => r.id)).toEqual(["legal", "no-payments", "deletion"]);
  });

  it("fills in the default team and applies the loaded rules", () => {
    const policy = loadPolicy(row(rules));
    const deletion = policy.rules.find((r) => r.id === "deletion");
    expect(deletion && "team" in deletion && deletion.team).toBe("support");
    expect(ticketEscalations(policy.rules, ordinaryTicket)).toEqual([]);
    expect(ticketEscalations(policy.rules, { text: "My lawyer will call." }).map((f) => f.team)).toEqual([
      "legal",
    ]);
    expect(checkToolCall(policy.rules, "issue_refund", {}, { steps: 0, tokens: 0 }).allowed).toBe(false);
  });

  it("loads an empty rule list", () => {
    const policy = loadPolicy(row([]));
    expect(policy.failedClosed).toBe(false);
    expect(policy.rules).toEqual([]);
  });
});

describe("loadPolicy fails closed on malformed rules", () => {
  const malformed: [string, unknown, RegExp][] = [
    ["rules that are not an array", { legal: true }, /^rules: .*expected array/i],
    ["an unknown rule type", [{ ...base, type: "escalate_vibes" }], /^0\.type: .*discriminator/i],
    [
      "an invalid regular expression",
      [{ ...base, type: "escalate_regex", pattern: "(unclosed" }],
      /^0\.pattern: The pattern is not a valid regular expression \(missing closing \)\)\.$/,
    ],
    [
      "an invalid exception",
      [{ ...base, type: "escalate_keywords", keywords: ["sue"], unless: "[z-a]" }],
      /^0\.unless: The exception is not a valid regular expression \(invalid character class range\)\.$/,
    ],
    [
      "a pattern the linear-time engine cannot run (look-ahead)",
      [{ ...base, type: "escalate_regex", pattern: "refund(?! policy)" }],
      /^0\.pattern: The pattern uses look-ahead or look-behind .*RE2/,
    ],
    [
      "an empty keyword list",
      [{ ...base, type: "escalate_keywords", keywords: [] }],
      /^0\.keywords: Add at least one keyword\.$/,
    ],
    [
      "a blank keyword",
      [{ ...base, type: "escalate_keywords", keywords: ["lawyer", "  "] }],
      /^0\.keywords\.1: Keywords cannot be empty\.$/,
    ],
    [
      "duplicate rule ids",
      [
        { ...base, type: "escalate_keywords", keywords: ["lawyer"] },
        { ...base, type: "escalate_keywords", keywords: ["court"] },
      ],
      /^1\.id: Two rules share the id "legal"\.$/,
    ],
    [
      "a missing explanation",
      [{ id: "legal", name: "Legal", type: "escalate_keywords", keywords: ["lawyer"] }],
      /^0\.explanation: /,
    ],
    [
      "a blank explanation",
      [{ ...base, explanation: "   ", type: "escalate_keywords", keywords: ["lawyer"] }],
      /^0\.explanation: Explain the rule: reviewers see this text when it fires\.$/,
    ],
    ["an unknown tool", [{ ...base, type: "block_tool", tool: "wire_money" }], /^0\.tool: /],
  ];

  for (const [problem, rules, error] of malformed) {
    it(`fails closed on ${problem}, naming the problem`, () => {
      const policy = loadPolicy(row(rules));
      expect(policy.failedClosed).toBe(true);
      expect(policy.loadError).toMatch(error);
      expect(policy.rules).toEqual(FAIL_CLOSED_RULES);
      expect(policy).toMatchObject({ id: "policy-1", version: 3, instructions: "Be kind." });
    });
  }

  it("escalates every ticket, even an ordinary or empty one, to a person", () => {
    const policy = loadPolicy(row([{ ...base, type: "escalate_vibes" }]));
    for (const text of [ordinaryTicket.text, "", "\n\n"]) {
      const fired = ticketEscalations(policy.rules, { text });
      expect(fired).toHaveLength(1);
      expect(fired[0]).toMatchObject({ ruleId: "policy-invalid", team: "support" });
      expect(fired[0]?.explanation).toMatch(/every ticket goes to a person/);
    }
  });

  it("drops every valid rule along with the bad one", () => {
    const policy = loadPolicy(
      row([
        {
          id: "no-payments",
          type: "block_tool",
          tool: "issue_refund",
          name: "No payments",
          explanation: "No.",
        },
        { ...base, type: "escalate_regex", pattern: "(" },
      ]),
    );
    expect(policy.rules.map((r) => r.id)).toEqual([
      "policy-invalid",
      "policy-invalid-reply",
      "policy-invalid-refund",
    ]);
    expect(ticketEscalations(policy.rules, { text: "My lawyer will call." }).map((f) => f.ruleId)).toEqual([
      "policy-invalid",
    ]);
  });

  it("closes the gate: replies and refunds are refused, look-ups and escalations still run", () => {
    const policy = loadPolicy(row([{ ...base, type: "block_tool", tool: "wire_money" }]));
    const gate = (tool: Parameters<typeof checkToolCall>[1]) =>
      checkToolCall(policy.rules, tool, { amountCents: 1 }, { steps: 0, tokens: 0 });
    expect(gate("draft_reply")).toMatchObject({ allowed: false, ruleId: "policy-invalid-reply" });
    expect(gate("issue_refund")).toMatchObject({ allowed: false, ruleId: "policy-invalid-refund" });
    expect(gate("escalate_to_human").allowed).toBe(true);
    expect(gate("search_knowledge_base").allowed).toBe(true);
    expect(gate("lookup_orders").allowed).toBe(true);
  });

  it("uses fail-closed rules that themselves validate", () => {
    expect(rulesSchema.safeParse(FAIL_CLOSED_RULES).success).toBe(true);
    expect(FAIL_CLOSED_RULES[0]).toBe(FAIL_CLOSED_RULE);
  });
});

describe("rule validation messages", () => {
  const messages = (rule: unknown) =>
    ruleSchema.safeParse(rule).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

  it("tells the author when a pattern or exception is not a regular expression", () => {
    expect(messages({ ...base, type: "escalate_regex", pattern: "a(b" })).toEqual([
      "pattern: The pattern is not a valid regular expression (missing closing )).",
    ]);
    expect(messages({ ...base, type: "escalate_regex", pattern: "ok", unless: "*" })).toEqual([
      "unless: The exception is not a valid regular expression (missing argument to repetition operator).",
    ]);
  });

  it("asks for a pattern rather than accepting an empty one", () => {
    expect(messages({ ...base, type: "escalate_regex", pattern: "" })).toContain(
      "pattern: Enter a regular expression.",
    );
  });

  it("asks for at least one keyword, and no blank ones", () => {
    expect(messages({ ...base, type: "escalate_keywords", keywords: [] })).toEqual([
      "keywords: Add at least one keyword.",
    ]);
    expect(messages({ ...base, type: "escalate_keywords", keywords: [""] })).toEqual([
      "keywords.0: Keywords cannot be empty.",
    ]);
  });

  it("explains the id format and asks for a name", () => {
    expect(messages({ ...base, id: "Legal Rule!", type: "require_citations" })).toEqual([
      "id: Rule ids are 2-63 lower-case letters, digits and dashes.",
    ]);
    expect(messages({ ...base, name: "", type: "require_citations" })).toEqual([
      "name: Give the rule a name.",
    ]);
  });

  it("accepts a well-formed rule and trims its text", () => {
    const parsed = ruleSchema.parse({
      ...base,
      name: "  Legal  ",
      type: "escalate_keywords",
      keywords: [" lawyer "],
    });
    expect(parsed).toMatchObject({ name: "Legal", keywords: ["lawyer"], team: "support" });
  });
});
