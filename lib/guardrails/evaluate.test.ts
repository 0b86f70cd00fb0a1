import { describe, expect, it } from "vitest";
import {
  amountsInText,
  budgetOf,
  checkToolCall,
  requiresCitations,
  ticketEscalations,
} from "@/lib/guardrails/evaluate";
import type { Rule } from "@/lib/guardrails/rules";

const idle = { steps: 0, tokens: 0 };

function rule<T extends Rule["type"]>(
  type: T,
  fields: Omit<Extract<Rule, { type: T }>, "id" | "name" | "explanation" | "type">,
  id = `${type.replaceAll("_", "-")}-rule`,
): Extract<Rule, { type: T }> {
  return {
    id,
    type,
    name: `Rule ${id}`,
    explanation: `Why ${id} exists.`,
    ...fields,
  } as Extract<Rule, { type: T }>;
}

describe("checkToolCall", () => {
  it("allows every tool when the policy has no gate rules", () => {
    expect(checkToolCall([], "issue_refund", { amountCents: 1_000_000 }, { steps: 99, tokens: 1e9 })).toEqual(
      {
        allowed: true,
      },
    );
  });

  describe("block_tool", () => {
    const rules = [rule("block_tool", { tool: "issue_refund" }, "no-payments")];

    it("refuses the blocked tool with the rule's name, explanation and a reason", () => {
      const decision = checkToolCall(rules, "issue_refund", { amountCents: 100 }, idle);
      expect(decision).toEqual({
        allowed: false,
        ruleId: "no-payments",
        ruleName: "Rule no-payments",
        explanation: "Why no-payments exists.",
        reason: "The tool issue_refund is blocked.",
      });
    });

    it("leaves other tools alone", () => {
      expect(checkToolCall(rules, "draft_reply", {}, idle).allowed).toBe(true);
      expect(checkToolCall(rules, "search_knowledge_base", { query: "refund" }, idle).allowed).toBe(true);
    });
  });

  describe("block_action", () => {
    const cases = [
      ["reply", "draft_reply"],
      ["escalation", "escalate_to_human"],
      ["refund", "issue_refund"],
    ] as const;

    for (const [action, tool] of cases) {
      it(`blocks ${tool} when proposing a ${action} is blocked`, () => {
        const rules = [rule("block_action", { action })];
        const decision = checkToolCall(rules, tool, {}, idle);
        expect(decision.allowed).toBe(false);
        if (!decision.allowed) {
          expect(decision.ruleId).toBe("block-action-rule");
          expect(decision.reason).toBe(`Proposing a ${action} is blocked.`);
        }
        for (const [, other] of cases.filter(([a]) => a !== action)) {
          expect(checkToolCall(rules, other, {}, idle).allowed).toBe(true);
        }
      });
    }

    it("never blocks look-up tools, which propose nothing", () => {
      const rules = cases.map(([action]) => rule("block_action", { action }, `block-${action}`));
      for (const tool of [
        "search_knowledge_base",
        "lookup_customer",
        "lookup_orders",
        "get_ticket_history",
      ] as const) {
        expect(checkToolCall(rules, tool, {}, idle).allowed).toBe(true);
      }
    });
  });

  describe("budget", () => {
    const rules = [rule("budget", { maxSteps: 5, maxTokens: 1_000 }, "budget")];

    it("allows a call at exactly the budget", () => {
      expect(checkToolCall(rules, "draft_reply", {}, { steps: 5, tokens: 1_000 }).allowed).toBe(true);
    });

    it("stops the run once the step budget is exceeded", () => {
      const decision = checkToolCall(rules, "search_knowledge_base", {}, { steps: 6, tokens: 0 });
      expect(decision).toMatchObject({
        allowed: false,
        ruleId: "budget",
        reason: "Step budget of 5 exceeded.",
      });
    });

    it("stops the run once the token budget is exceeded", () => {
      const decision = checkToolCall(rules, "draft_reply", {}, { steps: 1, tokens: 1_001 });
      expect(decision).toMatchObject({
        allowed: false,
        ruleId: "budget",
        reason: "Token budget of 1000 exceeded.",
      });
    });

    it("still lets an over-budget run escalate to a person", () => {
      expect(checkToolCall(rules, "escalate_to_human", {}, { steps: 50, tokens: 1e6 }).allowed).toBe(true);
    });
  });

  describe("max_refund", () => {
    const rules = [rule("max_refund", { maxCents: 5_000 }, "refund-cap")];

    it("refuses a refund over the limit and says both amounts in dollars", () => {
      const decision = checkToolCall(rules, "issue_refund", { amountCents: 5_001 }, idle);
      expect(decision).toMatchObject({
        allowed: false,
        ruleId: "refund-cap",
        reason: "A refund of $50.01 is over the $50.00 limit.",
      });
    });

    it("allows a refund at or under the limit", () => {
      expect(checkToolCall(rules, "issue_refund", { amountCents: 5_000 }, idle).allowed).toBe(true);
      expect(checkToolCall(rules, "issue_refund", { amountCents: 1 }, idle).allowed).toBe(true);
    });

    it("treats a refund without an amount as zero", () => {
      expect(checkToolCall(rules, "issue_refund", {}, idle).allowed).toBe(true);
    });

    it("only applies to refunds", () => {
      expect(checkToolCall(rules, "draft_reply", { amountCents: 1_000_000 }, idle).allowed).toBe(true);
    });
  });

  it("reports the first rule that refuses, in policy order", () => {
    const rules = [
      rule("max_refund", { maxCents: 100 }, "refund-cap"),
      rule("block_tool", { tool: "issue_refund" }, "no-payments"),
    ];
    const decision = checkToolCall(rules, "issue_refund", { amountCents: 500 }, idle);
    expect(decision.allowed === false && decision.ruleId).toBe("refund-cap");
  });
});

describe("ticketEscalations", () => {
  describe("escalate_keywords", () => {
    const legal = rule(
      "escalate_keywords",
      { keywords: ["sue", "lawyer", "legal action"], team: "legal" },
      "legal-escalate",
    );

    it("fires on a keyword and reports the rule, its team and what matched", () => {
      expect(ticketEscalations([legal], { text: "Fix this or I will sue you." })).toEqual([
        {
          ruleId: "legal-escalate",
          ruleName: "Rule legal-escalate",
          explanation: "Why legal-escalate exists.",
          team: "legal",
          matched: "sue",
        },
      ]);
    });

    it("matches whole words only: 'sue' is not inside 'issue' or 'pursue'", () => {
      expect(ticketEscalations([legal], { text: "I have an issue with my order" })).toEqual([]);
      expect(ticketEscalations([legal], { text: "I'd like to pursue a discount" })).toEqual([]);
      expect(ticketEscalations([legal], { text: "Suede shoes" })).toEqual([]);
    });

    it("matches regardless of case and next to punctuation or at the edges of the text", () => {
      expect(ticketEscalations([legal], { text: "SUE" })).toHaveLength(1);
      expect(ticketEscalations([legal], { text: "My LAWYER, frankly, agrees." })[0]?.matched).toBe("lawyer");
      expect(ticketEscalations([legal], { text: "(sue)" })).toHaveLength(1);
    });

    it("matches multi-word keywords", () => {
      expect(ticketEscalations([legal], { text: "We are considering Legal Action." })[0]?.matched).toBe(
        "legal action",
      );
    });

    it("treats keywords literally, not as regular expressions", () => {
      const dotted = rule("escalate_keywords", { keywords: ["a.b"], team: "support" });
      expect(ticketEscalations([dotted], { text: "a.b" })).toHaveLength(1);
      expect(ticketEscalations([dotted], { text: "axb" })).toEqual([]);
    });

    it("does not fire when the ticket matches the rule's exception", () => {
      const withException = { ...legal, unless: "sue (the|my) (cat|dog)" };
      expect(ticketEscalations([withException], { text: "My kids want to sue the cat" })).toEqual([]);
      expect(ticketEscalations([withException], { text: "I will sue you" })).toHaveLength(1);
    });
  });

  describe("escalate_regex", () => {
    const deletion = rule(
      "escalate_regex",
      { pattern: String.raw`\bdelete\s+my\s+account\b`, team: "privacy" },
      "no-data-deletion",
    );

    it("fires on a match and shows the reviewer an excerpt around it", () => {
      const [hit] = ticketEscalations([deletion], {
        text: "Hello there, please   delete my account today, thank you very much",
      });
      expect(hit?.ruleId).toBe("no-data-deletion");
      expect(hit?.team).toBe("privacy");
      expect(hit?.matched).toContain("delete my account");
      expect(hit?.matched.startsWith("…")).toBe(true);
      expect(hit?.matched.endsWith("…")).toBe(true);
      // whitespace collapsed so the excerpt reads as one line
      expect(hit?.matched).not.toMatch(/\s{2,}/);
    });

    it("is case-insensitive and stays quiet when nothing matches", () => {
      expect(ticketEscalations([deletion], { text: "DELETE MY ACCOUNT" })).toHaveLength(1);
      expect(ticketEscalations([deletion], { text: "How do I update my account?" })).toEqual([]);
    });

    it("does not fire when the ticket matches the rule's exception", () => {
      const withException = { ...deletion, unless: String.raw`\bhow (do|can) i\b` };
      expect(ticketEscalations([withException], { text: "How do I delete my account?" })).toEqual([]);
      expect(ticketEscalations([withException], { text: "Delete my account now." })).toHaveLength(1);
    });
  });

  describe("escalate_intent", () => {
    const intentRule = rule("escalate_intent", { intents: ["complaint", "fraud"], team: "support" });

    it("fires on the helpdesk's intent", () => {
      const [hit] = ticketEscalations([intentRule], { text: "anything", intent: "fraud" });
      expect(hit?.matched).toBe("fraud");
    });

    it("does not fire for another intent or when the helpdesk sent none", () => {
      expect(ticketEscalations([intentRule], { text: "anything", intent: "track_order" })).toEqual([]);
      expect(ticketEscalations([intentRule], { text: "complaint fraud", intent: null })).toEqual([]);
      expect(ticketEscalations([intentRule], { text: "complaint" })).toEqual([]);
    });
  });

  describe("escalate_customer", () => {
    const vip = rule("escalate_customer", { attribute: "tier", values: ["vip"], team: "support" });

    it("fires for a customer in a listed tier", () => {
      const [hit] = ticketEscalations([vip], { text: "hi", customerTier: "vip" });
      expect(hit?.matched).toBe("tier vip");
    });

    it("does not fire for other tiers or unknown customers", () => {
      expect(ticketEscalations([vip], { text: "hi", customerTier: "standard" })).toEqual([]);
      expect(ticketEscalations([vip], { text: "hi", customerTier: null })).toEqual([]);
      expect(ticketEscalations([vip], { text: "I am a vip" })).toEqual([]);
    });
  });

  describe("escalate_amount", () => {
    const big = rule("escalate_amount", { overCents: 50_000, team: "billing" }, "big-money");

    it("fires on an amount in the ticket over the threshold", () => {
      const [hit] = ticketEscalations([big], { text: "You charged me $1,234.56 for nothing" });
      expect(hit).toMatchObject({ ruleId: "big-money", team: "billing", matched: "$1234.56" });
    });

    it("fires on an amount written without thousands separators", () => {
      expect(ticketEscalations([big], { text: "I paid $1500 for it" })[0]?.matched).toBe("$1500.00");
    });

    it("does not fire at or under the threshold", () => {
      expect(ticketEscalations([big], { text: "It was $500.00 exactly" })).toEqual([]);
      expect(ticketEscalations([big], { text: "It was $20 and USD 499.99" })).toEqual([]);
    });

    it("fires on a proposed refund amount even when the text names none", () => {
      expect(ticketEscalations([big], { text: "Refund please" }, [50_001])[0]?.matched).toBe("$500.01");
      expect(ticketEscalations([big], { text: "Refund please" }, [50_000])).toEqual([]);
    });
  });

  it("ignores gate-only rules and reports every escalation rule that fires, in policy order", () => {
    const rules: Rule[] = [
      rule("block_tool", { tool: "issue_refund" }),
      rule("budget", { maxSteps: 1, maxTokens: 100 }),
      rule("require_citations", {}),
      rule("escalate_customer", { attribute: "tier", values: ["vip"], team: "support" }, "vip"),
      rule("escalate_keywords", { keywords: ["lawyer"], team: "legal" }, "legal"),
    ];
    const fired = ticketEscalations(rules, { text: "My lawyer says hi", customerTier: "vip" });
    expect(fired.map((f) => [f.ruleId, f.team])).toEqual([
      ["vip", "support"],
      ["legal", "legal"],
    ]);
    expect(ticketEscalations(rules, { text: "Where is my parcel?" })).toEqual([]);
  });
});

describe("amountsInText", () => {
  it("reads dollar amounts with thousands separators and cents", () => {
    expect(amountsInText("That is $1,234.56 total")).toEqual([123_456]);
    expect(amountsInText("$1,234,567.89")).toEqual([123_456_789]);
  });

  it("reads whole-dollar and USD amounts", () => {
    expect(amountsInText("$5")).toEqual([500]);
    expect(amountsInText("USD 20")).toEqual([2_000]);
    expect(amountsInText("usd20 and $ 7")).toEqual([2_000, 700]);
  });

  it("reads amounts without thousands separators in full", () => {
    expect(amountsInText("$1234.56")).toEqual([123_456]);
    expect(amountsInText("$1500")).toEqual([150_000]);
  });

  it("returns every amount, in order", () => {
    expect(amountsInText("I paid $10.50 twice, USD 21.00 in all")).toEqual([1_050, 2_100]);
  });

  it("ignores numbers that are not money", () => {
    expect(amountsInText("Order ORD-123456 had 3 items, 20 dollars")).toEqual([]);
  });
});

describe("requiresCitations and budgetOf", () => {
  it("finds the citation rule when there is one", () => {
    const cite = rule("require_citations", {}, "cite");
    expect(requiresCitations([rule("block_tool", { tool: "issue_refund" }), cite])).toBe(cite);
    expect(requiresCitations([])).toBeUndefined();
  });

  it("uses the policy budget, or 10 steps and 50,000 tokens by default", () => {
    expect(budgetOf([rule("budget", { maxSteps: 3, maxTokens: 500 })])).toMatchObject({
      maxSteps: 3,
      maxTokens: 500,
    });
    expect(budgetOf([])).toEqual({ maxSteps: 10, maxTokens: 50_000 });
  });
});
