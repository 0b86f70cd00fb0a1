import { describe, expect, it } from "vitest";
import { contentWords, replySimilarity } from "./similarity";

describe("replySimilarity", () => {
  it("is 1 for the same content in another order and case, whatever the function words", () => {
    expect(
      replySimilarity("Your order ships on Friday.", "On Friday, the order of yours ships!"),
    ).toBeCloseTo(1, 12);
  });

  it("is the cosine of the content-word counts", () => {
    // a: {refund, policy, 30, days}; b: {refund, policy, shipping}: 2 / (sqrt(4) * sqrt(3)).
    expect(replySimilarity("The refund policy: 30 days", "refund policy for shipping")).toBeCloseTo(
      1 / Math.sqrt(3),
      12,
    );
    expect(contentWords("The refund policy: 30 days")).toEqual(["refund", "policy", "30", "days"]);
  });

  it("is 0 with nothing in common or nothing to compare", () => {
    expect(replySimilarity("track parcel", "reset password")).toBe(0);
    expect(replySimilarity("Hi, thanks!", "the refund")).toBe(0);
  });
});
