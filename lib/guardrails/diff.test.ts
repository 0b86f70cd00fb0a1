import { describe, expect, it } from "vitest";
import { DEFAULT_INSTRUCTIONS, DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { diffPolicies } from "@/lib/guardrails/diff";
import type { Rule } from "@/lib/guardrails/rules";

const v1 = { rules: DEFAULT_RULES, instructions: DEFAULT_INSTRUCTIONS };

describe("diffPolicies", () => {
  it("finds nothing between a version and itself", () => {
    const diff = diffPolicies(v1, v1);
    expect(diff).toMatchObject({ added: [], removed: [], changed: [], reordered: false });
    expect(diff.unchanged).toBe(DEFAULT_RULES.length);
    expect(diff.instructions.changed).toBe(false);
    expect(diff.shape).toBeNull();
  });

  it("reports a change of the agent's shape; a version without one is the loop", () => {
    expect(diffPolicies(v1, { ...v1, agentShape: "team" }).shape).toEqual({ before: "loop", after: "team" });
    expect(diffPolicies({ ...v1, agentShape: "loop" }, v1).shape).toBeNull();
  });

  it("reports an added keyword as a changed field with what was added", () => {
    const rules = DEFAULT_RULES.map((r) =>
      r.type === "escalate_keywords" ? { ...r, keywords: [...r.keywords, "ombudsman"] } : r,
    );
    const diff = diffPolicies(v1, { ...v1, rules });
    expect(diff.changed).toEqual([
      {
        id: "legal-escalate",
        name: "Always escalate legal issues",
        fields: [expect.objectContaining({ field: "keywords", added: ["ombudsman"], removed: [] })],
      },
    ]);
    expect(diff.changed[0]?.fields[0]?.after).toMatch(/, ombudsman$/);
  });

  it("reports added and removed rules, amounts in dollars, a new order and the instructions' words", () => {
    const cap: Rule = {
      id: "cap",
      type: "max_refund",
      maxCents: 5_000,
      name: "Cap",
      explanation: "Small refunds.",
    };
    const budget = DEFAULT_RULES.find((r) => r.type === "budget") as Extract<Rule, { type: "budget" }>;
    const after = {
      rules: [
        ...DEFAULT_RULES.filter((r) => r.id !== "no-payments" && r.type !== "budget").reverse(),
        { ...budget, maxSteps: 6 },
        cap,
      ],
      instructions: `${DEFAULT_INSTRUCTIONS} Sign as the Countersign team.`,
    };
    const diff = diffPolicies(v1, after);
    expect(diff.added.map((r) => r.id)).toEqual(["cap"]);
    expect(diff.removed.map((r) => r.id)).toEqual(["no-payments"]);
    expect(diff.changed).toEqual([
      { id: "budget", name: budget.name, fields: [{ field: "step budget", before: "8", after: "6" }] },
    ]);
    expect(diff.reordered).toBe(true);
    expect(diff.instructions.changed).toBe(true);
    expect(diff.instructions.parts.filter((p) => p.added).map((p) => p.value.trim())).toEqual([
      "Sign as the Countersign team.",
    ]);
    const amount = diffPolicies({ ...v1, rules: [cap] }, { ...v1, rules: [{ ...cap, maxCents: 2_500 }] });
    expect(amount.changed[0]?.fields).toEqual([
      { field: "maximum refund", before: "$50.00", after: "$25.00" },
    ]);
  });
});
