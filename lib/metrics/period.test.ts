import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { daysIn, resolvePeriod } from "./period";
import { parseMetricsQuery } from "./report";

const NOW = new Date("2026-11-24T15:30:00Z");
const at = (iso: string) => new Date(iso);

describe("resolvePeriod", () => {
  it("defaults to the 30 UTC days ending with today, compared with the 30 before", () => {
    const p = resolvePeriod({}, NOW);
    expect(p.current).toEqual({ from: at("2026-10-26T00:00:00Z"), to: at("2026-11-25T00:00:00Z") });
    expect(p.previous).toEqual({ from: at("2026-09-26T00:00:00Z"), to: at("2026-10-26T00:00:00Z") });
    expect(p.groupBy).toBe("day");
    expect(daysIn(p.current)).toHaveLength(30);
  });

  it("a date `to` includes that whole day; from = to is one day", () => {
    const p = resolvePeriod({ from: "2026-11-24", to: "2026-11-24" }, NOW);
    expect(p.current).toEqual({ from: at("2026-11-24T00:00:00Z"), to: at("2026-11-25T00:00:00Z") });
    expect(p.previous).toEqual({ from: at("2026-11-23T00:00:00Z"), to: at("2026-11-24T00:00:00Z") });
    expect(daysIn(p.current)).toEqual(["2026-11-24"]);
  });

  it("date-times are exact, `to` exclusive, and the previous period has the same length", () => {
    const p = resolvePeriod({ from: "2026-11-24T06:00:00Z", to: "2026-11-24T18:00:00+02:00" }, NOW);
    expect(p.current).toEqual({ from: at("2026-11-24T06:00:00Z"), to: at("2026-11-24T16:00:00Z") });
    expect(p.previous).toEqual({ from: at("2026-11-23T20:00:00Z"), to: at("2026-11-24T06:00:00Z") });
  });

  it("only `from`: up to the end of today; only `to`: the 30 days before it", () => {
    expect(resolvePeriod({ from: "2026-11-20" }, NOW).current.to).toEqual(at("2026-11-25T00:00:00Z"));
    expect(resolvePeriod({ to: "2026-11-10" }, NOW).current.from).toEqual(at("2026-10-12T00:00:00Z"));
  });

  it("refuses from after to, and periods over 366 days, saying what to do", () => {
    expect(() => resolvePeriod({ from: "2026-11-10", to: "2026-11-01" }, NOW)).toThrow(
      "from (2026-11-10) must be before to (2026-11-01): swap them or widen the period.",
    );
    expect(() => resolvePeriod({ from: "2025-01-01", to: "2026-11-01" }, NOW)).toThrow(
      "The period is 670 days long; ask for at most 366 days at a time.",
    );
  });
});

describe("parseMetricsQuery (the API's 400s)", () => {
  const message = (params: Record<string, string>) => {
    try {
      parseMetricsQuery(params, NOW);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      return (error as AppError).message;
    }
    return "no error";
  };

  it("explains each bad parameter", () => {
    expect(message({ from: "yesterday" })).toBe(
      "from must be an ISO date like 2026-11-01 or a date-time like 2026-11-01T09:30:00Z.",
    );
    expect(message({ to: "2026-13-01" })).toBe(
      "to must be an ISO date like 2026-11-01 or a date-time like 2026-11-01T09:30:00Z.",
    );
    expect(message({ groupBy: "week" })).toBe("groupBy must be one of day, policy or model.");
    expect(message({ from: "2026-11-02", to: "2026-11-01" })).toMatch(/must be before to/);
  });

  it("accepts every group", () => {
    for (const groupBy of ["day", "policy", "model"]) {
      expect(parseMetricsQuery({ groupBy }, NOW).groupBy).toBe(groupBy);
    }
  });
});
