import { describe, expect, it } from "vitest";
import { formatEta, progressText, secondsLeft } from "./format-eta";

describe("the estimate of time left", () => {
  it("goes by the pace of the done part", () => {
    expect(secondsLeft({ done: 412, total: 1000, elapsedMs: 14_000 })).toBe(20);
    expect(secondsLeft({ done: 1, total: 3, elapsedMs: 1_000 })).toBe(2);
  });

  it("is unknown before anything is done, and nothing once all is done", () => {
    expect(secondsLeft({ done: 0, total: 1000, elapsedMs: 5_000 })).toBeNull();
    expect(secondsLeft({ done: 5, total: 0, elapsedMs: 5_000 })).toBeNull();
    expect(secondsLeft({ done: 5, total: 5, elapsedMs: 5_000 })).toBe(0);
    expect(secondsLeft({ done: 7, total: 5, elapsedMs: 5_000 })).toBe(0);
  });

  it("reads as seconds (to 5), minutes or hours", () => {
    expect(formatEta(null)).toBe("");
    expect(formatEta(0)).toBe("");
    expect(formatEta(2)).toBe("about 2 s left");
    expect(formatEta(21)).toBe("about 20 s left");
    expect(formatEta(59)).toBe("about 60 s left");
    expect(formatEta(150)).toBe("about 3 min left");
    expect(formatEta(3 * 3600 + 20 * 60)).toBe("about 3 h 20 min left");
  });

  it("joins count and estimate", () => {
    expect(progressText(412, 1000, "rows", "about 20 s left")).toBe("412 of 1,000 rows · about 20 s left");
    expect(progressText(3, 40, "tickets")).toBe("3 of 40 tickets");
  });
});
