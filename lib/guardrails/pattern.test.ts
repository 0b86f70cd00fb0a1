import { describe, expect, it } from "vitest";
import { ticketEscalations } from "./evaluate";
import { compilePattern, findPattern, patternProblem } from "./pattern";
import { ruleSchema } from "./rules";
import { checkDraft } from "./validate";

const rule = {
  id: "nested",
  name: "Nested repetition",
  explanation: "A pattern that backtracks exponentially on a backtracking engine.",
  type: "escalate_regex" as const,
  pattern: "(a+)+$",
  team: "support" as const,
};

describe("policy patterns run in linear time (RE2)", () => {
  it("evaluates (a+)+$ on a 41-character ticket, in the agent's and the dry-run's evaluator", () => {
    // A backtracking engine walks 2^40 paths here and would not finish within the test's timeout;
    // RE2 answers in linear time. (How fast is the benchmarks' business, not this test's.)
    expect(compilePattern(rule.pattern)).toMatchObject({ ok: true });
    expect(ticketEscalations([rule], { text: `${"a".repeat(40)}!` })).toEqual([]);
    expect(ticketEscalations([rule], { text: `${"a".repeat(50_000)}!` })).toEqual([]);
    expect(ticketEscalations([rule], { text: "aaaa" })).toHaveLength(1);
  });

  it("matches case-insensitively and reports where, in UTF-16 positions", () => {
    expect(findPattern(String.raw`d\w+te my account`, "Ünïcode — please DELETE MY ACCOUNT")).toEqual({
      index: 17,
      text: "DELETE MY ACCOUNT",
    });
    expect(findPattern(String.raw`\p{L}+`, "123 été")?.text).toBe("été");
  });

  it("refuses look-around, back-references and atomic groups at validation, saying why", () => {
    const lookahead = ruleSchema.safeParse({ ...rule, pattern: "refund(?= now)" });
    expect(lookahead.success).toBe(false);
    const message = lookahead.error?.issues[0]?.message ?? "";
    expect(message).toContain("look-ahead or look-behind");
    expect(message).toContain("linear-time engine (RE2)");
    expect(patternProblem("(?<!not )refund")).toContain("look-ahead or look-behind");
    expect(patternProblem(String.raw`(a)\1`)).toContain("back-references");
    expect(patternProblem("(?>a)")).toContain("atomic groups");
    expect(patternProblem("a(b")).toBe("The pattern is not a valid regular expression (missing closing )).");
    expect(patternProblem("x", "The exception")).toBeNull();
    // An escaped parenthesis followed by ?= is a literal, not a look-ahead.
    expect(patternProblem(String.raw`\(?=`)).toBeNull();
    expect(compilePattern(String.raw`charge\-back`).ok).toBe(true);
  });

  it("refuses an exception RE2 cannot run in the editor's validation of a whole draft", () => {
    const check = checkDraft(
      { rules: [{ ...rule, pattern: "refund", unless: "(?!policy)" }], instructions: "Be kind." },
      null,
    );
    const issues = check.ok ? [] : check.issues;
    expect(issues.map((i) => i.path)).toContain("rules.0.unless");
    expect(issues.find((i) => i.path === "rules.0.unless")?.message).toMatch(
      /^The exception uses look-ahead or look-behind/,
    );
  });
});
