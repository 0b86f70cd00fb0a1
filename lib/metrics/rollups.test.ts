import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { agentActions, tickets } from "@/db/schema";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { type FixtureIds, insertBase, insertRun } from "@/test/metrics-fixture";
import { loadRuleFigures } from "./breakdowns";
import { loadFigures } from "./figures";
import { addDays, isoDay, resolvePeriod } from "./period";
import { computeRollupRows, loadRollupRows, type RollupRow, storeRecentDays } from "./rollups";

/*
 * Tickets decided on several days, for the distinct counts that stored days must add up exactly:
 *   A: reply approved 11-02 11:00, reply edited 11-05 10:00
 *   B: reply approved 11-05 12:00
 *   C: reply approved 11-01 10:00, reply edited 11-06 10:00
 * (each run starts an hour before its review, on the same day; policy v1, model offline).
 */
const reply = (started: string, decision: "approve" | "edit", at: string) => ({
  policy: "v1" as const,
  model: "offline",
  started,
  latencyMs: 100,
  inputTokens: 10,
  outputTokens: 10,
  costMicroUsd: 10,
  actions: [
    {
      kind: "reply" as const,
      created: started,
      review: { decision, at, ...(decision === "edit" ? { editDistance: 0.5 } : {}) },
    },
  ],
});

const period = (from: string, to: string) => resolvePeriod({ from, to }, new Date("2026-11-24T12:00:00Z"));

describe.each(availableDrivers())("stored dashboard days on %s", (driver) => {
  let handle: TestDatabase;
  let ids: FixtureIds;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    ids = await insertBase(handle.db, ["A", "B", "C", "D"]);
    await insertRun(handle.db, ids, { ticket: "A", ...reply("02T10:00:00", "approve", "02T11:00:00") });
    await insertRun(handle.db, ids, { ticket: "A", ...reply("05T09:00:00", "edit", "05T10:00:00") });
    await insertRun(handle.db, ids, { ticket: "B", ...reply("05T11:00:00", "approve", "05T12:00:00") });
    await insertRun(handle.db, ids, { ticket: "C", ...reply("01T09:00:00", "approve", "01T10:00:00") });
    await insertRun(handle.db, ids, { ticket: "C", ...reply("06T09:00:00", "edit", "06T10:00:00") });
  });
  afterAll(() => handle?.destroy());

  const decided = async (from: string, to: string) => {
    const { current } = await loadFigures(handle.db, period(from, to));
    return { decided: current.ticketsDecided, auto: current.autoResolved, drafted: current.ticketsDrafted };
  };

  it("counts a ticket decided on several days of a period once", async () => {
    // 11-02..11-06: A (twice), B, C (11-06; its 11-01 decision is before) = 3; approved replies: A, B.
    expect(await decided("2026-11-02", "2026-11-06")).toEqual({ decided: 3, auto: 2, drafted: 3 });
    // 11-03..11-06: A (11-05), B, C = 3; only B's approval is inside.
    expect(await decided("2026-11-03", "2026-11-06")).toEqual({ decided: 3, auto: 1, drafted: 3 });
    // 11-01..11-06: A, B, C, each once; approvals A, B, C.
    expect(await decided("2026-11-01", "2026-11-06")).toEqual({ decided: 3, auto: 3, drafted: 3 });
    // One day: A and B.
    expect(await decided("2026-11-05", "2026-11-05")).toEqual({ decided: 2, auto: 1, drafted: 2 });
    // The days of a period count their own tickets.
    const { days } = await loadFigures(handle.db, period("2026-11-02", "2026-11-06"));
    expect(days.get("2026-11-05")?.ticketsDecided).toBe(2);
    expect(days.get("2026-11-06")?.ticketsDecided).toBe(1);
    expect(days.get("2026-11-03")).toBeUndefined();
  });

  it("a period ending mid-day counts its part of the last day, and its previous period only its own hours", async () => {
    // [11-03, 11-05 12:00): A's 11-05 10:00 decision (B's is at 12:00, outside).
    // Previous: [10-31 12:00, 11-03): C's 11-01 and A's 11-02 decisions.
    const { current, previous } = await loadFigures(
      handle.db,
      resolvePeriod({ from: "2026-11-03", to: "2026-11-05T12:00:00Z" }),
    );
    expect(current.reviewedActions).toBe(1);
    expect(previous.reviewedActions).toBe(2);
    // [11-01 12:00, 11-06): C's 11-01 decision (10:00) is before it; A twice, B, none of C's 11-06.
    const noon = await loadFigures(
      handle.db,
      resolvePeriod({ from: "2026-11-01T12:00:00Z", to: "2026-11-05" }),
    );
    expect(noon.current).toMatchObject({ reviewedActions: 3, ticketsDecided: 2 });
  });

  it("stores and reads days alike whatever the session's time zone and date style", async () => {
    const p = period("2026-11-01", "2026-11-06");
    const utc = await loadFigures(handle.db, p);
    await handle.db.execute(sql`delete from metric_rollups`);
    await handle.db.execute(sql`set timezone = 'America/New_York'`);
    await handle.db.execute(sql`set datestyle = 'SQL, DMY'`);
    try {
      const first = await loadFigures(handle.db, p);
      const second = await loadFigures(handle.db, p);
      expect(first.current).toEqual(utc.current);
      expect(second.current).toEqual(utc.current);
      expect([...second.days.keys()].sort()).toEqual([...utc.days.keys()].sort());
    } finally {
      await handle.db.execute(sql`set timezone = 'UTC'`);
      await handle.db.execute(sql`set datestyle = 'ISO, MDY'`);
    }
  });

  it("a period starting mid-day is read from its records and agrees with whole days", async () => {
    const whole = await loadFigures(handle.db, period("2026-11-02", "2026-11-06"));
    // Nothing happened in the first second of 11-02 or the last of 11-06.
    const cut = await loadFigures(handle.db, {
      ...period("2026-11-02", "2026-11-06"),
      current: { from: new Date("2026-11-02T00:00:01Z"), to: new Date("2026-11-06T23:59:59Z") },
    });
    expect(cut.current).toEqual(whole.current);
    // 11-03 from its noon: A's 11-05 and B, and C's 11-06 = 3, as with whole days.
    const noon = await loadFigures(handle.db, {
      ...period("2026-11-03", "2026-11-06"),
      current: { from: new Date("2026-11-03T12:00:00Z"), to: new Date("2026-11-07T00:00:00Z") },
    });
    expect(noon.current.ticketsDecided).toBe(3);
    expect(noon.current.autoResolved).toBe(1);
  });

  it("stores closed days exactly as the records compute them", async () => {
    await loadFigures(handle.db, period("2026-11-01", "2026-11-06"));
    const stored = rowsOf<RollupRow>(
      await handle.db.execute(sql`
        select day::text as day, kind, key, values from metric_rollups
        where kind <> 'day' and day >= '2026-11-01' and day < '2026-11-07'`),
    );
    const computed = await computeRollupRows(
      handle.db,
      { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-07T00:00:00Z") },
      { history: true, cuts: "both" },
    );
    const order = (rows: RollupRow[]) =>
      rows.map((r) => JSON.stringify([r.day, r.kind, r.key, r.values])).sort();
    expect(stored.length).toBeGreaterThan(10);
    expect(order(stored)).toEqual(order(computed));
  });

  it("a back-dated review or a removed ticket replaces the stored days it touches", async () => {
    expect((await decided("2026-11-01", "2026-11-06")).decided).toBe(3);
    // D decided on 11-03, written now (as the demo history writes the past).
    await insertRun(handle.db, ids, { ticket: "D", ...reply("03T08:00:00", "approve", "03T09:00:00") });
    expect(await decided("2026-11-01", "2026-11-06")).toEqual({ decided: 4, auto: 4, drafted: 4 });
    expect(await decided("2026-11-05", "2026-11-05")).toEqual({ decided: 2, auto: 1, drafted: 2 });
    // Removing A (its runs and reviews go with it).
    await handle.db.delete(tickets).where(eq(tickets.id, ids.tickets.A as string));
    expect(await decided("2026-11-01", "2026-11-06")).toEqual({ decided: 3, auto: 3, drafted: 3 });
    expect(await decided("2026-11-05", "2026-11-05")).toEqual({ decided: 1, auto: 1, drafted: 1 });
  });

  it("a rejection of an earlier day's forced escalation reaches the per-rule table", async () => {
    const runId = await insertRun(handle.db, ids, {
      ticket: "B",
      policy: "v1",
      model: "offline",
      started: "04T09:00:00",
      latencyMs: 100,
      inputTokens: 0,
      outputTokens: 0,
      costMicroUsd: 0,
      actions: [{ kind: "escalation", created: "04T09:00:00", ruleIds: ["legal-escalate"] }],
    });
    const range = period("2026-11-04", "2026-11-04").current;
    expect(await loadRuleFigures(handle.db, range)).toMatchObject([
      { ruleId: "legal-escalate", forcedEscalations: 1, overrides: 0 },
    ]);
    await handle.db.update(agentActions).set({ status: "rejected" }).where(eq(agentActions.runId, runId));
    expect(await loadRuleFigures(handle.db, range)).toMatchObject([
      { ruleId: "legal-escalate", forcedEscalations: 1, overrides: 1 },
    ]);
  });

  it("stores the recent closed days ahead of the first page, and only once", async () => {
    await handle.db.execute(sql`delete from metric_rollups`);
    expect(await storeRecentDays(handle.db, 3)).toBe(3);
    expect(await storeRecentDays(handle.db, 3)).toBe(0);
    const marked = rowsOf<{ n: number }>(
      await handle.db.execute(sql`select count(*)::int as n from metric_rollups where kind = 'day'`),
    );
    expect(Number(marked[0]?.n)).toBe(3);
  });

  it("computes today from the records and never stores it", async () => {
    const now = new Date();
    const started = new Date(Math.max(now.getTime() - 60_000, Date.parse(`${isoDay(now)}T00:00:00Z`)));
    const today = resolvePeriod({ from: isoDay(now), to: isoDay(now) }, now);
    const before = (await loadFigures(handle.db, today)).current.runs;
    await handle.db.execute(sql`
      insert into agent_runs (ticket_id, status, model, latency_ms, started_at)
      values (${ids.tickets.C}, 'succeeded', 'offline', 50, ${started.toISOString()}::timestamptz)`);
    expect((await loadFigures(handle.db, today)).current.runs).toBe(before + 1);
    const todayRows = rowsOf<{ n: number }>(
      await handle.db.execute(
        sql`select count(*)::int as n from metric_rollups where day >= ${isoDay(now)}::date`,
      ),
    );
    expect(Number(todayRows[0]?.n)).toBe(0);
    // Days after today have nothing, whatever today has.
    const ahead = addDays(new Date(`${isoDay(now)}T00:00:00Z`), 3);
    expect(await loadRollupRows(handle.db, { from: ahead, to: addDays(ahead, 1) })).toEqual([]);
  });

  it("a model first seen today gets its own cut, with its percentiles", async () => {
    const now = new Date();
    const started = new Date(Math.max(now.getTime() - 60_000, Date.parse(`${isoDay(now)}T00:00:00Z`)));
    await handle.db.execute(sql`
      insert into agent_runs (ticket_id, status, model, latency_ms, started_at)
      values (${ids.tickets.B}, 'succeeded', 'brand-new-model', 70, ${started.toISOString()}::timestamptz),
             (${ids.tickets.C}, 'succeeded', 'brand-new-model', 90, ${started.toISOString()}::timestamptz)`);
    const byModel = await loadFigures(handle.db, {
      ...resolvePeriod({ from: "2026-11-01", to: isoDay(now) }, now),
      groupBy: "model",
    });
    expect(byModel.cuts.get("brand-new-model")).toMatchObject({
      runs: 2,
      ticketsDrafted: 2,
      latencyP50Ms: 80,
      latencyP95Ms: 89,
    });
    // The fixture's model, seen on stored days and today.
    expect(byModel.cuts.get("offline")?.latencyP50Ms).toBe(100);
  });

  it("a day-long period across midnight counts a ticket decided on both sides once", async () => {
    // B decided again at 11-06 09:00 (first at 11-05 12:00); C at 11-06 10:00.
    await insertRun(handle.db, ids, { ticket: "B", ...reply("06T08:00:00", "edit", "06T09:00:00") });
    const { current } = await loadFigures(
      handle.db,
      resolvePeriod({ from: "2026-11-05T12:00:00Z", to: "2026-11-06T12:00:00Z" }),
    );
    expect(current).toMatchObject({ reviewedActions: 3, ticketsDecided: 2 });
  });
});
