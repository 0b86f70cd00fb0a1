import { describe, expect, it } from "vitest";
import { QUEUE_COUNT_CAP } from "@/db/queries/queue-counts";
import { chipCount } from "./chip-count";

describe("a queue chip's count", () => {
  it('shows "10,000+" when counting stopped at the cap', () => {
    expect(chipCount({ all: QUEUE_COUNT_CAP }, { all: true }, "all")).toBe("10,000+");
  });
  it("shows an exact count below the cap as it is, and nothing known as 0", () => {
    expect(chipCount({ all: 9_999, refund: 3 }, {}, "all")).toBe("9,999");
    expect(chipCount({ refund: 3 }, undefined, "refund")).toBe("3");
    expect(chipCount(undefined, undefined, "mine")).toBe("0");
  });
});
