import type { Rule } from "../rules";
import { mineRepeatedEdits } from "./mine-edits";
import { mineShouldHaveEscalated, mineShouldNotHaveEscalated } from "./mine-escalations";
import type { MinedReview, Suggestion } from "./types";

/**
 * Policy changes mined from recent reviews, deterministically (no model: the
 * same reviews and policy give the same suggestions, in the same order):
 * new escalation rules, narrowed rules, then instruction lines, each kind by
 * support.
 */
export function mineSuggestions(
  reviews: MinedReview[],
  policy: { rules: Rule[]; instructions: string },
): Suggestion[] {
  return [
    ...mineShouldHaveEscalated(reviews, policy.rules),
    ...mineShouldNotHaveEscalated(reviews, policy.rules),
    ...mineRepeatedEdits(reviews, policy.instructions),
  ];
}

/** The policy content with the suggestion applied. */
export function applySuggestion(
  suggestion: Suggestion,
  policy: { rules: Rule[]; instructions: string },
): { rules: Rule[]; instructions: string } {
  const { change } = suggestion;
  if (change.type === "add_rule")
    return { rules: [...policy.rules, change.rule], instructions: policy.instructions };
  if (change.type === "replace_rule") {
    return {
      rules: policy.rules.map((r) => (r.id === change.before.id ? change.after : r)),
      instructions: policy.instructions,
    };
  }
  const base = policy.instructions.trimEnd();
  return { rules: policy.rules, instructions: base ? `${base}\n${change.line}` : change.line };
}
