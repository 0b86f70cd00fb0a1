import { describe, expect, it } from "vitest";
import { emptyRuleForm } from "./rule-form";
import { type EditorSnapshot, unsavedChanges } from "./unsaved-changes";

describe("unsavedChanges", () => {
  const legal = { ...emptyRuleForm("escalate_keywords", 0), name: "Legal threats", keywords: "sue" };
  const budget = { ...emptyRuleForm("budget", 1), name: "Budget" };
  const saved: EditorSnapshot = {
    forms: [legal, budget],
    instructions: "Be kind.",
    agentShape: "loop",
    note: "",
  };

  it("says nothing when the editor holds what was saved", () => {
    expect(unsavedChanges(saved, { ...saved, forms: [...saved.forms] })).toEqual([]);
  });

  it("names each change: instructions, the edited rule, added and removed rules, the order, the note", () => {
    const added = { ...emptyRuleForm("require_citations", 2), name: "" };
    expect(
      unsavedChanges(saved, {
        forms: [{ ...legal, keywords: "sue\nlawyer" }, added],
        instructions: "Be brief.",
        agentShape: "team",
        note: "Lawyers too",
      }),
    ).toEqual([
      "planner instructions",
      "agent shape",
      "rule 1 (Legal threats)",
      "1 rule added",
      "1 rule removed",
      "change note",
    ]);
    expect(unsavedChanges(saved, { ...saved, forms: [budget, legal] })).toEqual(["rule order"]);
  });

  it("forgets an edit that was typed back to the saved value", () => {
    expect(unsavedChanges(saved, { ...saved, forms: [{ ...legal, keywords: "sue" }, budget] })).toEqual([]);
  });
});
