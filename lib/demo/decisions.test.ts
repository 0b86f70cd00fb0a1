import { describe, expect, it } from "vitest";
import { type DemoActionFacts, type DemoDecision, decisionOrder, demoDecision } from "./decisions";

const reply = (text: string, extra: Partial<DemoActionFacts> = {}): DemoActionFacts => ({
  kind: "reply",
  status: "pending_review",
  blockedBy: null,
  text,
  team: null,
  ...extra,
});
const escalation: DemoActionFacts = {
  kind: "escalation",
  status: "pending_review",
  blockedBy: null,
  text: null,
  team: "billing",
};
const refund: DemoActionFacts = {
  kind: "refund",
  status: "blocked",
  blockedBy: "no-payments",
  text: null,
  team: null,
};
const clean = { groundingFailed: false, hasEscalation: false };

describe("demoDecision", () => {
  const reference =
    "You can track your order from Account > Orders: open the order and select Track parcel to see the carrier status.";

  it("approves a reply that says what Bitext's reply says (rated 5 from 0.6 similarity, 4 from 0.4)", () => {
    // Cosine 0.87: 9 shared content words.
    const same =
      "Open Account > Orders, pick the order and select Track parcel: the carrier status is there.";
    expect(demoDecision(reply(same), { intent: "track_order", referenceReply: reference }, clean)).toEqual({
      decision: "approve",
      rating: 5,
      reasonTags: [],
    });
    // Cosine 0.53: track, order, parcel, status and carrier shared, in a different answer.
    const close =
      "Your parcel is with the carrier; we will e-mail you when its status changes. Track order number ORD-1.";
    expect(
      demoDecision(reply(close), { intent: "track_order", referenceReply: reference }, clean),
    ).toMatchObject({
      decision: "approve",
      rating: 4,
    });
  });

  it("otherwise edits the reply into Bitext's reply, tagging a failed grounding check", () => {
    const d = demoDecision(
      reply("We have refunded you $40."),
      { intent: "track_order", referenceReply: reference },
      { groundingFailed: true, hasEscalation: false },
    );
    expect(d).toEqual({
      decision: "edit",
      finalText: reference,
      rating: 2,
      reasonTags: ["incomplete", "hallucination"],
    });
  });

  it("rejects a reply set aside by verification", () => {
    const d = demoDecision(
      reply("x", { status: "blocked", blockedBy: "verify:facts_grounded" }),
      { intent: "track_order", referenceReply: reference },
      clean,
    );
    expect(d).toMatchObject({ decision: "reject", rating: 1, reasonTags: ["hallucination"] });
  });

  it("approves an escalation the intent requires, rejects one it does not", () => {
    expect(demoDecision(escalation, { intent: "payment_issue", referenceReply: "x" }, clean)).toEqual({
      decision: "approve",
      rating: 5,
      reasonTags: [],
    });
    expect(
      demoDecision(escalation, { intent: "check_refund_policy", referenceReply: "x" }, clean),
    ).toMatchObject({
      decision: "reject",
      reasonTags: ["should_not_have_escalated"],
    });
  });

  it("a blocked refund goes to billing, unless the run's escalation already covers it", () => {
    expect(demoDecision(refund, { intent: "get_refund", referenceReply: "x" }, clean)).toMatchObject({
      decision: "escalate",
      team: "billing",
    });
    expect(
      demoDecision(
        refund,
        { intent: "get_refund", referenceReply: "x" },
        { groundingFailed: false, hasEscalation: true },
      ),
    ).toMatchObject({ decision: "reject" });
  });

  it("a reply where a person was needed and there is no reference is rejected", () => {
    expect(
      demoDecision(reply("Sure, deleted."), { intent: "delete_account", referenceReply: null }, clean),
    ).toMatchObject({
      decision: "reject",
      reasonTags: ["should_have_escalated"],
    });
  });

  it("rejections are applied first, so the ticket ends on the approval or escalation", () => {
    const order: DemoDecision[] = [
      { decision: "approve", reasonTags: [] },
      { decision: "reject", reason: "r", reasonTags: [] },
      { decision: "escalate", team: "billing", reason: "r", reasonTags: [] },
    ];
    expect([...order].sort((a, b) => decisionOrder(a) - decisionOrder(b)).map((d) => d.decision)).toEqual([
      "reject",
      "escalate",
      "approve",
    ]);
  });
});
