import { describe, expect, it } from "vitest";
import { judgeAgreement, type ReviewPair } from "./agreement";
import { cohensKappa } from "./kappa";

const repeat = (pair: [string, string], times: number) => Array.from({ length: times }, () => pair);

describe("cohensKappa", () => {
  it("matches the worked 2×2 example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no", () => {
    // p_o = 35/50 = 0.7; p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5) / (1 − 0.5) = 0.4
    const pairs = [
      ...repeat(["yes", "yes"], 20),
      ...repeat(["yes", "no"], 5),
      ...repeat(["no", "yes"], 10),
      ...repeat(["no", "no"], 15),
    ];
    expect(cohensKappa(pairs)).toBeCloseTo(0.4, 12);
  });

  it("works over three classes", () => {
    // A: approve 5, reject 3, escalate 2; B: approve 4, reject 5, escalate 1; 8 of 10 agree.
    // p_o = 0.8; p_e = 0.5·0.4 + 0.3·0.5 + 0.2·0.1 = 0.37; κ = (0.8 − 0.37) / (1 − 0.37) = 0.43 / 0.63
    const pairs = [
      ...repeat(["approve", "approve"], 4),
      ...repeat(["approve", "reject"], 1),
      ...repeat(["reject", "reject"], 3),
      ...repeat(["escalate", "escalate"], 1),
      ...repeat(["escalate", "reject"], 1),
    ];
    expect(cohensKappa(pairs)).toBeCloseTo(0.43 / 0.63, 12);
  });

  it("is 1 for perfect agreement over two classes and −1 for perfect disagreement", () => {
    expect(cohensKappa([...repeat(["a", "a"], 3), ...repeat(["b", "b"], 3)])).toBe(1);
    expect(cohensKappa([...repeat(["a", "b"], 4), ...repeat(["b", "a"], 4)])).toBe(-1);
  });

  it("is 0 when the agreement is what chance gives", () => {
    // Each rater says a half the time, independently: p_o = p_e = 0.5.
    expect(
      cohensKappa([
        ["a", "a"],
        ["a", "b"],
        ["b", "a"],
        ["b", "b"],
      ]),
    ).toBe(0);
  });

  it("is not defined (null) when both raters used one and the same class, or with no pairs", () => {
    expect(cohensKappa(repeat(["approve", "approve"], 12))).toBeNull();
    expect(cohensKappa([])).toBeNull();
  });
});

function pair(n: number, first: string, second: string, over: Partial<ReviewPair> = {}): ReviewPair {
  return {
    actionId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    ticketId: `t${n}`,
    subject: `Ticket ${n}`,
    intent: "track_order",
    actionKind: "reply",
    first: { reviewerId: "u1", reviewerName: "Ada", decision: first as never },
    second: { reviewerId: "u2", reviewerName: "Ben", decision: second as never },
    decidedAt: `2026-11-${String(10 + n).padStart(2, "0")}T10:00:00.000Z`,
    ...over,
  };
}

describe("judgeAgreement", () => {
  it("gives rate and kappa overall, per category and per reviewer, and lists disagreements newest first", () => {
    const report = judgeAgreement([
      pair(1, "approve", "approve"),
      pair(2, "approve", "reject"),
      pair(3, "reject", "reject"),
      pair(4, "approve", "approve", { intent: "delete_account", actionKind: "escalation" }),
      pair(5, "reject", "approve", {
        second: { reviewerId: "u3", reviewerName: "Cy", decision: "approve" },
      }),
    ]);
    expect(report.pairs).toBe(5);
    expect(report.agreed).toBe(3);
    expect(report.rate).toBeCloseTo(0.6);
    // A: approve 3, reject 2; B: approve 3, reject 2: p_e = 0.36 + 0.16 = 0.52; κ = 0.08 / 0.48
    expect(report.kappa).toBeCloseTo(0.08 / 0.48, 12);
    const track = report.byCategory.find((c) => c.intent === "track_order" && c.actionKind === "reply");
    expect(track).toMatchObject({ pairs: 4, agreed: 2 });
    const escalation = report.byCategory.find((c) => c.actionKind === "escalation");
    expect(escalation).toMatchObject({ pairs: 1, agreed: 1, rate: 1, kappa: null });
    expect(report.byReviewer.map((r) => [r.reviewerName, r.pairs, r.agreed])).toEqual([
      ["Ada", 5, 3],
      ["Ben", 4, 3],
      ["Cy", 1, 0],
    ]);
    expect(report.disagreements.map((d) => d.ticketId)).toEqual(["t5", "t2"]);
    expect(report.disagreements[0]?.ticketHref).toBe("/tickets/t5");
  });

  it("reports nothing defined for no pairs", () => {
    expect(judgeAgreement([])).toMatchObject({ pairs: 0, rate: null, kappa: null, disagreements: [] });
  });
});
