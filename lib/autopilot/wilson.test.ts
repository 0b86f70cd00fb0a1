import { describe, expect, it } from "vitest";
import { wilsonLowerBound } from "./wilson";

// Worked by hand with z = 1.96: (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n).
describe("wilsonLowerBound", () => {
  it("matches hand-worked fixtures", () => {
    // p = 1: (1 + 3.8415/500 − 1.96·√(3.8415/250000)) / (1 + 3.8415/250) = 1 / 1.015366
    expect(wilsonLowerBound(250, 250)).toBeCloseTo(0.9849, 4);
    // p = 0.975: (0.984604 − 0.023673) / 1.019207
    expect(wilsonLowerBound(195, 200)).toBeCloseTo(0.9428, 4);
    // p = 0.995: (1.004604 − 0.013704) / 1.019207
    expect(wilsonLowerBound(199, 200)).toBeCloseTo(0.9722, 4);
    // p = 250/256: just under 95 %, the sixth rejection after 250 approvals.
    expect(wilsonLowerBound(250, 256)).toBeCloseTo(0.9498, 4);
    expect(wilsonLowerBound(250, 255)).toBeCloseTo(0.9549, 4);
    // p = 0.5, n = 10: (0.5 + 0.19208 − 0.36458) / 1.38415
    expect(wilsonLowerBound(5, 10)).toBeCloseTo(0.2366, 4);
  });

  it("is zero without evidence and for no successes", () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
    expect(wilsonLowerBound(0, 50)).toBe(0);
  });

  it("one success out of one is weak evidence", () => {
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.2065, 4);
  });

  it("refuses impossible counts", () => {
    expect(() => wilsonLowerBound(3, 2)).toThrow(RangeError);
    expect(() => wilsonLowerBound(-1, 2)).toThrow(RangeError);
    expect(() => wilsonLowerBound(1, 2.5)).toThrow(RangeError);
  });
});
