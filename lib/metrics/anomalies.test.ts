import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tickets } from "@/db/schema";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { addTickets, type FixtureIds, insertBase, insertRun } from "@/test/metrics-fixture";
import { type DailyCount, detectAnomalies } from "./anomalies";
import { loadMetricsReport, parseMetricsQuery } from "./report";
import { parseTicketMetricFilter, ticketMetricCondition } from "./ticket-links";

const day = (n: number) => `2026-11-${String(n).padStart(2, "0")}`;
const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => day(from + i));

/** Daily counts from rates, each over 100 items. */
function series(rates: Record<number, number>): Map<string, DailyCount> {
  return new Map(
    Object.entries(rates).map(([n, rate]) => [
      day(Number(n)),
      { numerator: Math.round(rate * 100), denominator: 100 },
    ]),
  );
}

// 15 quiet days alternating 10 % and 20 % (odd days 10 %, even days 20 %), then 80 % on day 16.
const QUIET = Object.fromEntries(days(1, 15).map((_, i) => [i + 1, (i + 1) % 2 === 1 ? 0.1 : 0.2]));

describe("detectAnomalies", () => {
  it("flags a day more than 3 sample standard deviations from the trailing 14 days", () => {
    const flagged = detectAnomalies("escalationRate", series({ ...QUIET, 16: 0.8 }), days(1, 16));
    // Baseline of day 16 = days 2..15: seven at 0.2 and seven at 0.1. Mean 0.15; every day is 0.05 off,
    // so the sample variance is 14 * 0.05^2 / 13 and sd = sqrt(0.035 / 13) = 0.0518875...
    // 0.8 is (0.8 - 0.15) / 0.0518875 = 12.53 sd above. Days 8..15 are judged too (7+ baseline days)
    // and are within 3 sd; days 1..7 have fewer than 7 baseline days and are not judged.
    expect(flagged).toHaveLength(1);
    const [spike] = flagged;
    expect(spike).toMatchObject({ day: day(16), metric: "escalationRate", value: 0.8, count: 100 });
    expect(spike?.baselineDays).toBe(14);
    expect(spike?.baselineMean).toBeCloseTo(0.15, 12);
    expect(spike?.baselineSd).toBeCloseTo(Math.sqrt(0.035 / 13), 12);
    expect(spike?.deviations).toBeCloseTo(0.65 / Math.sqrt(0.035 / 13), 9);
    expect(spike?.direction).toBe("up");
  });

  it("flags a drop as well as a rise", () => {
    const flagged = detectAnomalies("hallucinationRate", series({ ...QUIET, 16: 0.6 }), days(16, 16));
    expect(flagged.map((a) => a.direction)).toEqual(["up"]);
    const quietThenZero = detectAnomalies(
      "hallucinationRate",
      series({ ...Object.fromEntries(days(1, 15).map((_, i) => [i + 1, 0.5 + (i % 2) * 0.02])), 16: 0 }),
      days(16, 16),
    );
    expect(quietThenZero.map((a) => a.direction)).toEqual(["down"]);
  });

  it("within 3 sd is not an anomaly: 0.30 against mean 0.15 and sd 0.0519 is 2.9 sd", () => {
    expect(detectAnomalies("escalationRate", series({ ...QUIET, 16: 0.3 }), days(16, 16))).toEqual([]);
  });

  it("a perfectly steady baseline (sd 0) flags any change, and nothing when the day matches", () => {
    const steady = Object.fromEntries(days(1, 14).map((_, i) => [i + 1, 0.1]));
    expect(detectAnomalies("escalationRate", series({ ...steady, 15: 0.1 }), [day(15)])).toEqual([]);
    const [flag] = detectAnomalies("escalationRate", series({ ...steady, 15: 0.2 }), [day(15)]);
    expect(flag).toMatchObject({ day: day(15), baselineSd: 0, deviations: null, direction: "up" });
  });

  it("needs 7 baseline days with data; days with nothing decided are neither judged nor baseline", () => {
    // Only days 10..15 have data before day 16: 6 baseline days, not enough.
    const sparse = series({ 10: 0.1, 11: 0.2, 12: 0.1, 13: 0.2, 14: 0.1, 15: 0.2, 16: 0.9 });
    expect(detectAnomalies("escalationRate", sparse, days(1, 16))).toEqual([]);
    // A day with a denominator of 0 has no rate: it is skipped, and its neighbours still count.
    const gap = series({ ...QUIET, 16: 0.8 });
    gap.set(day(9), { numerator: 0, denominator: 0 });
    gap.set(day(17), { numerator: 0, denominator: 0 });
    const flagged = detectAnomalies("escalationRate", gap, days(1, 17));
    expect(flagged.map((a) => [a.day, a.baselineDays])).toEqual([[day(16), 13]]);
  });
});

describe.each(availableDrivers())("anomalies in the report on %s", (driver) => {
  let handle: TestDatabase;
  let ids: FixtureIds;
  const escalatedOn16: string[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    // 10 tickets a day for 16 days, each drafted at 09:00 and decided at 10:00: an approved escalation
    // (escalated) or an approved reply. Escalated per day: 1 on odd days, 2 on even days, 8 on day 16.
    const names = days(1, 16).flatMap((d) => Array.from({ length: 10 }, (_, i) => `${d}-${i}`));
    ids = await insertBase(handle.db, names);
    for (const [n, d] of days(1, 16).entries()) {
      const escalated = n + 1 === 16 ? 8 : (n + 1) % 2 === 1 ? 1 : 2;
      for (let i = 0; i < 10; i++) {
        const kind = i < escalated ? "escalation" : "reply";
        if (n + 1 === 16 && kind === "escalation") escalatedOn16.push(ids.tickets[`${d}-${i}`] as string);
        await insertRun(handle.db, ids, {
          ticket: `${d}-${i}`,
          policy: "v2",
          model: "offline",
          started: `${d.slice(8)}T09:00:00`,
          latencyMs: 100,
          inputTokens: 10,
          outputTokens: 10,
          costMicroUsd: 0,
          actions: [
            {
              kind,
              created: `${d.slice(8)}T09:01:00`,
              review: { decision: "approve", at: `${d.slice(8)}T10:00:00` },
            },
          ],
        });
      }
    }
  });
  afterAll(() => handle?.destroy());

  it("a ticket decided on two days counts on each, with each day's outcome, and once in the period", async () => {
    // T-two: its reply rejected on 11-19, its redraft's escalation approved on 11-20.
    await addTickets(handle.db, ids, ["two"]);
    const run = {
      policy: "v2" as const,
      model: "offline",
      latencyMs: 1,
      inputTokens: 0,
      outputTokens: 0,
      costMicroUsd: 0,
    };
    await insertRun(handle.db, ids, {
      ...run,
      ticket: "two",
      started: "19T09:00:00",
      actions: [{ kind: "reply", created: "19T09:01:00", review: { decision: "reject", at: "19T10:00:00" } }],
    });
    await insertRun(handle.db, ids, {
      ...run,
      ticket: "two",
      started: "20T09:00:00",
      actions: [
        { kind: "escalation", created: "20T09:01:00", review: { decision: "approve", at: "20T10:00:00" } },
      ],
    });
    const report = await loadMetricsReport(handle.db, parseMetricsQuery({ from: day(19), to: day(20) }));
    expect(report.headline.current).toMatchObject({
      ticketsDecided: 1,
      escalatedTickets: 1,
      autoResolved: 0,
    });
    expect(report.series.map((p) => [p.key, p.figures.ticketsDecided, p.figures.escalatedTickets])).toEqual([
      [day(19), 1, 0],
      [day(20), 1, 1],
    ]);
  });

  it("marks the spike day, and only it, with a link to exactly its escalated tickets", async () => {
    const report = await loadMetricsReport(handle.db, parseMetricsQuery({ from: day(1), to: day(16) }));
    // The hallucination rate is 0 every day (a steady baseline, matched): no flag.
    expect(report.anomalies.map((a) => [a.day, a.metric])).toEqual([[day(16), "escalationRate"]]);
    const [spike] = report.anomalies;
    expect(spike?.value).toBe(0.8);
    expect(spike?.ticketsHref).toBe(
      "/tickets?outcome=escalated&from=2026-11-16T00%3A00%3A00.000Z&to=2026-11-17T00%3A00%3A00.000Z",
    );

    const params = Object.fromEntries(new URL(spike?.ticketsHref ?? "", "http://x").searchParams);
    const { filter } = parseTicketMetricFilter(params);
    if (!filter) throw new Error("the anomaly link does not parse");
    const linked = await handle.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(ticketMetricCondition(filter));
    expect(linked.map((t) => t.id).sort()).toEqual([...escalatedOn16].sort());
  });

  it("series by day covers every day of the period, empty days included", async () => {
    const report = await loadMetricsReport(handle.db, parseMetricsQuery({ from: day(15), to: day(18) }));
    expect(report.series.map((p) => [p.key, p.figures.ticketsDecided, p.figures.escalationRate])).toEqual([
      [day(15), 10, 0.1],
      [day(16), 10, 0.8],
      [day(17), 0, null],
      [day(18), 0, null],
    ]);
  });
});
