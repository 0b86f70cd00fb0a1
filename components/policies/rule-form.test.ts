import { describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { rulesSchema } from "@/lib/guardrails/rules";
import { dollarsToCents, emptyRuleForm, formToRule, issueTarget, ruleToForm } from "./rule-form";

describe("the rule editor's form", () => {
  it("round-trips every default rule through the form unchanged", () => {
    const back = DEFAULT_RULES.map((r, i) => formToRule(ruleToForm(r, i)));
    expect(rulesSchema.parse(back)).toEqual(DEFAULT_RULES);
  });

  it("round-trips amounts, tiers, intents and budgets", () => {
    const rules = [
      { id: "amt", type: "escalate_amount", overCents: 4_999, team: "billing", name: "A", explanation: "B" },
      { id: "cap", type: "max_refund", maxCents: 5_000, name: "A", explanation: "B" },
      {
        id: "vip",
        type: "escalate_customer",
        attribute: "tier",
        values: ["vip", "gold"],
        team: "support",
        name: "A",
        explanation: "B",
      },
      {
        id: "int",
        type: "escalate_intent",
        intents: ["cancel_order", "complaint"],
        team: "support",
        name: "A",
        explanation: "B",
      },
      { id: "bud", type: "budget", maxSteps: 6, maxTokens: 12_000, name: "A", explanation: "B" },
    ];
    const forms = rules.map(ruleToForm);
    expect(forms.map((f) => f.amount)).toEqual(["49.99", "50", "", "", ""]);
    expect(forms[3]?.intents).toBe("cancel_order\ncomplaint");
    expect(forms.map(formToRule)).toEqual(rules);
  });

  it("turns one keyword per line into a list, ignoring blank lines, and drops an empty exception", () => {
    const form = {
      ...emptyRuleForm("escalate_keywords", 0),
      keywords: "lawyer\n\n  ombudsman  \n",
      unless: " ",
    };
    expect(formToRule(form)).toMatchObject({ keywords: ["lawyer", "ombudsman"] });
    expect(formToRule(form)).not.toHaveProperty("unless");
  });

  it("reads dollars, and sends null for anything else so the server explains", () => {
    expect(dollarsToCents("50")).toBe(5_000);
    expect(dollarsToCents("$1,250.5")).toBe(125_050);
    expect(dollarsToCents("49.99")).toBe(4_999);
    expect(dollarsToCents("12.345")).toBeNull();
    expect(dollarsToCents("ten")).toBeNull();
    expect(formToRule({ ...emptyRuleForm("budget", 0), maxSteps: "2.5" })).toMatchObject({ maxSteps: null });
  });

  it("opens a malformed stored rule instead of failing", () => {
    expect(ruleToForm(null, 2)).toMatchObject({ id: "rule-3", type: "escalate_keywords", keywords: "" });
    expect(ruleToForm({ type: "block_tool", tool: 7 }, 0)).toMatchObject({ type: "block_tool", tool: "7" });
  });

  it("points a server issue at the field that shows it", () => {
    expect(issueTarget("rules.3.keywords.0")).toEqual({ index: 3, field: "keywords" });
    expect(issueTarget("rules.1.maxCents")).toEqual({ index: 1, field: "amount" });
    expect(issueTarget("rules.0")).toEqual({ index: 0, field: "rule" });
    expect(issueTarget("instructions")).toBeNull();
  });
});
