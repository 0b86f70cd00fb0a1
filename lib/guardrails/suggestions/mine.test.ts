import { describe, expect, it } from "vitest";
import type { Rule } from "../rules";
import { applySuggestion, mineSuggestions } from "./mine";
import type { MinedReview } from "./types";

let n = 0;
function review(over: Partial<MinedReview>): MinedReview {
  n++;
  return {
    reviewId: `r${n}`,
    ticketId: `t${n}`,
    externalId: `ext-${n}`,
    subject: "Question",
    body: "Where is my parcel?",
    intent: "track_order",
    riskScores: {},
    actionKind: "reply",
    decision: "approve",
    reasonTags: [],
    ruleIds: [],
    escalatedTo: null,
    originalText: null,
    finalText: null,
    ...over,
  };
}

const KEYWORD_RULE: Rule = {
  id: "legal-escalate",
  type: "escalate_keywords",
  name: "Always escalate legal issues",
  explanation: "Legal matters go to legal.",
  keywords: ["lawyer", "court"],
  team: "legal",
};
const CATEGORY_RULE: Rule = {
  id: "payments-risk",
  type: "escalate_category",
  name: "Payments risk",
  explanation: "Payments go to billing.",
  category: "payments",
  minConfidence: 0.3,
  team: "billing",
};

describe("mineSuggestions", () => {
  it("proposes an intent rule for replies tagged should-have-escalated that share an intent", () => {
    const flagged = ["a", "b", "c"].map((x) =>
      review({
        intent: "complaint",
        decision: "escalate",
        escalatedTo: "support",
        reasonTags: ["should_have_escalated"],
        body: `Complaint ${x}`,
      }),
    );
    const [suggestion] = mineSuggestions([...flagged, review({})], {
      rules: [KEYWORD_RULE],
      instructions: "",
    });
    expect(suggestion).toMatchObject({
      id: "intent:complaint",
      kind: "new_escalation_rule",
      support: 3,
      change: {
        type: "add_rule",
        rule: {
          id: "suggested-escalate-complaint",
          type: "escalate_intent",
          intents: ["complaint"],
          team: "support",
        },
      },
    });
    expect(suggestion?.evidence.map((e) => e.ticketId)).toEqual(flagged.map((f) => f.ticketId));
    // Two flagged replies are not enough.
    expect(mineSuggestions(flagged.slice(0, 2), { rules: [], instructions: "" })).toEqual([]);
  });

  it("proposes keywords the flagged tickets share when they share no intent, leaving out words approved tickets use", () => {
    const flagged = ["track_order", "change_order", "get_invoice"].map((intent) =>
      review({
        intent,
        reasonTags: ["should_have_escalated"],
        decision: "reject",
        body: "My chargeback with the bank about the parcel",
      }),
    );
    const approved = [1, 2, 3].map(() => review({ body: "Where is the parcel from the bank?" }));
    const suggestions = mineSuggestions([...flagged, ...approved], { rules: [], instructions: "" });
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0]?.change).toMatchObject({
      type: "add_rule",
      rule: { type: "escalate_keywords", keywords: ["chargeback"] },
    });
  });

  it("narrows a category rule whose escalations reviewers said were unneeded by raising its confidence", () => {
    const escalations = [0.41, 0.5, 0.62].map((confidence) =>
      review({
        actionKind: "escalation",
        decision: "reject",
        ruleIds: ["payments-risk"],
        reasonTags: ["should_not_have_escalated"],
        riskScores: { payments: confidence, none: 1 - confidence },
      }),
    );
    const [suggestion] = mineSuggestions(escalations, { rules: [CATEGORY_RULE], instructions: "" });
    expect(suggestion).toMatchObject({
      id: "narrow:payments-risk",
      kind: "narrow_rule",
      change: { type: "replace_rule", after: { id: "payments-risk", minConfidence: 0.67 } },
    });
  });

  it("narrows a keyword rule with an exception for what its unneeded escalations share", () => {
    const unneeded = [1, 2, 3].map(() =>
      review({
        actionKind: "escalation",
        decision: "reject",
        ruleIds: ["legal-escalate"],
        reasonTags: ["should_not_have_escalated"],
        body: "Is there a court date for the sweepstakes draw?",
      }),
    );
    const needed = review({
      actionKind: "escalation",
      ruleIds: ["legal-escalate"],
      body: "My lawyer will take you to court.",
    });
    const [suggestion] = mineSuggestions([...unneeded, needed], { rules: [KEYWORD_RULE], instructions: "" });
    expect(suggestion?.change).toMatchObject({
      type: "replace_rule",
      after: { id: "legal-escalate", unless: "\\b(?:date|draw)\\b" },
    });
  });

  it("proposes an instruction line for a sentence reviewers keep adding, once", () => {
    const SIGN_OFF = "You can reply to this e-mail at any time.";
    const edits = ["one", "two", "three"].map((x) =>
      review({
        decision: "edit",
        originalText: `Your order ${x} has shipped.`,
        finalText: `Your order ${x} has shipped. ${SIGN_OFF}`,
      }),
    );
    const suggestions = mineSuggestions(edits, { rules: [], instructions: "" });
    expect(suggestions.map((s) => [s.kind, s.support, s.change])).toEqual([
      [
        "instruction_line",
        3,
        {
          type: "add_instruction",
          line: `Where it fits, include this sentence reviewers keep adding: "${SIGN_OFF}"`,
        },
      ],
    ]);
    const [suggestion] = suggestions;
    if (!suggestion) throw new Error("no suggestion");
    const applied = applySuggestion(suggestion, { rules: [], instructions: "Be brief." });
    expect(applied.instructions).toBe(
      `Be brief.\n${suggestion.change.type === "add_instruction" ? suggestion.change.line : ""}`,
    );
    // Once the line is in the instructions it is not proposed again.
    expect(mineSuggestions(edits, { rules: [], instructions: applied.instructions })).toEqual([]);
  });
});
