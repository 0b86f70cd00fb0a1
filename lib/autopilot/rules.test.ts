import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AUTOPILOT_DEFAULTS, loadPolicySettings } from "@/lib/guardrails/settings";
import { eligibility, isSampled, shouldDemote, structuralBlockers } from "./rules";

const SETTINGS = { ...AUTOPILOT_DEFAULTS };
const TRACK = { intent: "track_order", actionKind: "reply" as const };

describe("eligibility", () => {
  it("250 of 250 approved as is: eligible (bound 0.9849)", () => {
    const check = eligibility(TRACK, { reviewed: 250, approvedAsIs: 250 }, SETTINGS);
    expect(check).toMatchObject({ eligible: true, blockers: [] });
    expect(check.lowerBound).toBeCloseTo(0.9849, 4);
  });

  it("195 of 200: the bound (0.9428) is below 95 %", () => {
    expect(eligibility(TRACK, { reviewed: 200, approvedAsIs: 195 }, SETTINGS).blockers).toEqual([
      "below_threshold",
    ]);
  });

  it("199 of 200 is eligible, 150 of 150 has too few reviews", () => {
    expect(eligibility(TRACK, { reviewed: 200, approvedAsIs: 199 }, SETTINGS).eligible).toBe(true);
    expect(eligibility(TRACK, { reviewed: 150, approvedAsIs: 150 }, SETTINGS).blockers).toEqual([
      "too_few_reviews",
    ]);
  });

  it("no reviews: too few and below the threshold", () => {
    expect(eligibility(TRACK, { reviewed: 0, approvedAsIs: 0 }, SETTINGS)).toEqual({
      eligible: false,
      lowerBound: 0,
      blockers: ["too_few_reviews", "below_threshold"],
    });
  });

  it("risk categories, escalations, refunds and unknown intents never are", () => {
    const perfect = { reviewed: 1000, approvedAsIs: 1000 };
    expect(eligibility({ intent: "payment_issue", actionKind: "reply" }, perfect, SETTINGS).blockers).toEqual(
      ["risk"],
    );
    expect(eligibility({ intent: "card_security", actionKind: "reply" }, perfect, SETTINGS).eligible).toBe(
      false,
    );
    expect(eligibility({ intent: "legal_threat", actionKind: "reply" }, perfect, SETTINGS).eligible).toBe(
      false,
    );
    expect(eligibility({ intent: "delete_account", actionKind: "reply" }, perfect, SETTINGS).eligible).toBe(
      false,
    );
    expect(structuralBlockers({ intent: "track_order", actionKind: "escalation" })).toEqual(["escalation"]);
    expect(structuralBlockers({ intent: "track_order", actionKind: "refund" })).toEqual(["refund"]);
    expect(structuralBlockers({ intent: "out_of_scope", actionKind: "reply" })).toEqual(["no_intent"]);
    expect(structuralBlockers({ intent: "", actionKind: "reply" })).toEqual(["no_intent"]);
  });

  it("follows the policy's own threshold and minimum", () => {
    const lenient = { ...SETTINGS, threshold: 0.9, minReviews: 100 };
    expect(eligibility(TRACK, { reviewed: 200, approvedAsIs: 195 }, lenient).eligible).toBe(true);
    expect(eligibility(TRACK, { reviewed: 120, approvedAsIs: 120 }, lenient).eligible).toBe(true);
  });
});

describe("shouldDemote", () => {
  it("demotes at the sixth rejected sample after 250 approvals, not the fifth", () => {
    expect(shouldDemote(TRACK, { reviewed: 255, approvedAsIs: 250 }, SETTINGS)).toBe(false);
    expect(shouldDemote(TRACK, { reviewed: 256, approvedAsIs: 250 }, SETTINGS)).toBe(true);
  });

  it("keeps a category whose samples are approved", () => {
    expect(shouldDemote(TRACK, { reviewed: 280, approvedAsIs: 280 }, SETTINGS)).toBe(false);
  });

  it("demotes a category that became structurally ineligible", () => {
    expect(
      shouldDemote(
        { intent: "payment_issue", actionKind: "reply" },
        { reviewed: 500, approvedAsIs: 500 },
        SETTINGS,
      ),
    ).toBe(true);
  });
});

describe("isSampled", () => {
  it("is deterministic per action id", () => {
    const id = "7d0f3c8e-7a53-4f0e-9a8e-0c6b5d3f2a11";
    expect(isSampled(id, 0.1)).toBe(isSampled(id, 0.1));
    expect(isSampled(id, 0)).toBe(false);
    expect(isSampled(id, 1)).toBe(true);
  });

  it("draws about the sample rate", () => {
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    const share = ids.filter((id) => isSampled(id, 0.1)).length / ids.length;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
  });
});

describe("policy settings", () => {
  it("an old policy without settings gets the defaults", () => {
    expect(loadPolicySettings({})).toEqual({ autopilot: AUTOPILOT_DEFAULTS, failedClosed: false });
    expect(loadPolicySettings({ autopilot: { threshold: 0.9 } }).autopilot).toEqual({
      ...AUTOPILOT_DEFAULTS,
      threshold: 0.9,
    });
  });

  it("invalid settings fail closed: nothing eligible, everything sampled", () => {
    const loaded = loadPolicySettings({ autopilot: { sampleRate: 2 } });
    expect(loaded.failedClosed).toBe(true);
    expect(eligibility(TRACK, { reviewed: 10_000, approvedAsIs: 10_000 }, loaded.autopilot).eligible).toBe(
      false,
    );
    expect(loaded.autopilot.sampleRate).toBe(1);
  });
});
