import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import {
  addDays,
  firstDayOf,
  isMidnight,
  isoDay,
  type Range,
  type ResolvedPeriod,
  startOfUtcDay,
} from "./period";
import { loadRollupRows, type RollupRow } from "./rollups";
import { aggregate, inRange } from "./sql";

/**
 * The figures of one bucket (a period, a day, a policy version or a model).
 * Counts are exact; a ratio or an average over nothing is null ("—"), never 0.
 */
export interface Figures {
  // Runs, by start time.
  /** Finished runs (succeeded, fell back or failed; still running ones are left out). */
  runs: number;
  /** Runs that proposed a reply draft a person can approve (not one set aside by verification). */
  runsWithReply: number;
  /** coverage = runsWithReply / runs. */
  coverage: number | null;
  /** Distinct tickets those runs drafted: the "tasks" of cost per task. */
  ticketsDrafted: number;
  costMicroUsd: number;
  tokens: number;
  /** costMicroUsd / ticketsDrafted, in millionths of a dollar. */
  costPerTaskMicroUsd: number | null;
  /** tokens (input + output) / ticketsDrafted. */
  tokensPerTask: number | null;
  /** Run latency percentiles (continuous, interpolated), in milliseconds. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;

  // Reviews, by review time.
  reviewedActions: number;
  /** Reviews that agreed with the agent (see agreedSql). */
  agreedActions: number;
  /** decisionQuality = agreedActions / reviewedActions. */
  decisionQuality: number | null;
  reviewedReplies: number;
  /** Replies edited then approved. */
  edits: number;
  /** editRate = edits / reviewedReplies. */
  editRate: number | null;
  /** Mean normalised edit distance (0..1) of the edits only. */
  meanEditDistance: number | null;
  /** Actions the autopilot approved (lib/autopilot): never counted as reviewed, agreed or edited. */
  autopilotApproved: number;
  /** Reviewed replies whose run failed grounding verification or that were tagged hallucination. */
  hallucinatedReplies: number;
  /** hallucinationRate = hallucinatedReplies / reviewedReplies. */
  hallucinationRate: number | null;
  /** From the action being proposed to its review, in seconds. */
  timeToReviewP50Seconds: number | null;
  timeToReviewP95Seconds: number | null;

  // Tickets decided: those with a decision (review) in the bucket, their outcome from those decisions.
  ticketsDecided: number;
  /** Tickets decided with a reply draft approved without edit. */
  autoResolved: number;
  /** autoResolution = autoResolved / ticketsDecided. */
  autoResolution: number | null;
  /** Tickets a decision in the bucket escalated (escalated anything, or approved an escalation). */
  escalatedTickets: number;
  /** escalationRate = escalatedTickets / ticketsDecided. */
  escalationRate: number | null;
}

export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

type RunCounts = Pick<
  Figures,
  "runs" | "runsWithReply" | "ticketsDrafted" | "costMicroUsd" | "tokens" | "latencyP50Ms" | "latencyP95Ms"
>;
type ReviewCounts = Pick<
  Figures,
  | "reviewedActions"
  | "agreedActions"
  | "reviewedReplies"
  | "edits"
  | "meanEditDistance"
  | "hallucinatedReplies"
  | "autopilotApproved"
  | "timeToReviewP50Seconds"
  | "timeToReviewP95Seconds"
>;
type TicketCounts = Pick<Figures, "ticketsDecided" | "autoResolved" | "escalatedTickets">;
type Counts = RunCounts & ReviewCounts & TicketCounts;

const EMPTY: Counts = {
  runs: 0,
  runsWithReply: 0,
  ticketsDrafted: 0,
  costMicroUsd: 0,
  tokens: 0,
  latencyP50Ms: null,
  latencyP95Ms: null,
  reviewedActions: 0,
  agreedActions: 0,
  reviewedReplies: 0,
  edits: 0,
  meanEditDistance: null,
  hallucinatedReplies: 0,
  autopilotApproved: 0,
  timeToReviewP50Seconds: null,
  timeToReviewP95Seconds: null,
  ticketsDecided: 0,
  autoResolved: 0,
  escalatedTickets: 0,
};

/** Counts in, the derived ratios added: the one place a ratio is computed. */
export function withRatios(counts: Partial<Counts>): Figures {
  const c = { ...EMPTY, ...counts };
  return {
    ...c,
    coverage: ratio(c.runsWithReply, c.runs),
    costPerTaskMicroUsd: ratio(c.costMicroUsd, c.ticketsDrafted),
    tokensPerTask: ratio(c.tokens, c.ticketsDrafted),
    decisionQuality: ratio(c.agreedActions, c.reviewedActions),
    editRate: ratio(c.edits, c.reviewedReplies),
    hallucinationRate: ratio(c.hallucinatedReplies, c.reviewedReplies),
    autoResolution: ratio(c.autoResolved, c.ticketsDecided),
    escalationRate: ratio(c.escalatedTickets, c.ticketsDecided),
  };
}

export function emptyFigures(): Figures {
  return withRatios({});
}

/** Figures for the period, the period before it, each day, and each policy version or model. */
export interface FigureBuckets {
  current: Figures;
  previous: Figures;
  /**
   * Per UTC day, from 14 days before the period (or the previous period's start, if earlier) to its
   * end: the counts anomaly detection reads (reviewed and hallucinated replies, tickets decided and
   * escalated). Grouped by day, the days of the period carry every figure as well.
   */
  days: Map<string, Figures>;
  /** Per policy version ("3", or "none") or model id, within the period; empty when grouped by day. */
  cuts: Map<string, Figures>;
}

/** The days a page reads: the period, the previous period and the 14 days an anomaly baseline needs. */
export function readWindow(period: ResolvedPeriod): Range {
  const baseline = addDays(period.current.from, -14);
  return {
    from: new Date(Math.min(baseline.getTime(), period.previous.from.getTime())),
    to: period.current.to,
  };
}

/** Adds up number fields of rows' values. */
function sum(rows: RollupRow[], fields: readonly string[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(fields.map((f) => [f, 0]));
  for (const row of rows) for (const f of fields) out[f] = (out[f] ?? 0) + Number(row.values[f] ?? 0);
  return out;
}

const DAY_MS = 86_400_000;

/**
 * Distinct tickets over whole days from `tickets` rows (see rollups.ts): a
 * ticket counts on the first day of `firstDay`.. it has an event, i.e. where
 * its previous event is "new" or further back than that day's distance from
 * `firstDay`.
 */
export function distinctTickets(rows: RollupRow[], firstDay: string): number {
  const start = Date.parse(`${firstDay}T00:00:00Z`);
  let n = 0;
  for (const row of rows) {
    const since = (Date.parse(`${row.day}T00:00:00Z`) - start) / DAY_MS;
    for (const [gap, count] of Object.entries(row.values)) {
      if (gap === "new" || Number(gap) > since) n += Number(count);
    }
  }
  return n;
}

type Percentiles = [number | null, number | null];

const pair = (value: unknown): Percentiles => {
  const [p50, p95] = Array.isArray(value) ? value : [];
  return [p50 == null ? null : Number(p50), p95 == null ? null : Number(p95)];
};

/**
 * The counts of one bucket from its rows: `rows` are the bucket's days, `cut`
 * the key ("all", "policy:3", "model:x"), `firstDay` where its distinct counts
 * start. Percentiles come from `percentiles` (a period's, read from the
 * records) or, for one day, from the day's row.
 */
function countsOf(
  rows: RollupRow[],
  cut: string,
  firstDay: string,
  percentiles?: { latencyMs: Percentiles; waitSeconds: Percentiles },
): Partial<Counts> {
  const runs = rows.filter((r) => r.kind === "runs" && r.key === cut);
  const reviews = rows.filter((r) => r.kind === "reviews" && r.key === cut);
  const tickets = (chain: string) =>
    distinctTickets(
      rows.filter((r) => r.kind === "tickets" && r.key === `${chain}|${cut}`),
      firstDay,
    );
  const r = sum(runs, ["runs", "runsWithReply", "costMicroUsd", "tokens"]);
  const v = sum(reviews, [
    "reviewedActions",
    "agreedActions",
    "reviewedReplies",
    "edits",
    "editDistanceSum",
    "editsMeasured",
    "hallucinatedReplies",
    "autopilotApproved",
  ]);
  const [latencyP50Ms, latencyP95Ms] = percentiles?.latencyMs ?? pair(runs[0]?.values.latencyMs);
  const [timeToReviewP50Seconds, timeToReviewP95Seconds] =
    percentiles?.waitSeconds ?? pair(reviews[0]?.values.waitSeconds);
  const { editDistanceSum, editsMeasured, ...reviewCounts } = v;
  return {
    runs: r.runs,
    runsWithReply: r.runsWithReply,
    costMicroUsd: r.costMicroUsd,
    tokens: r.tokens,
    ticketsDrafted: tickets("drafted"),
    latencyP50Ms,
    latencyP95Ms,
    ...reviewCounts,
    meanEditDistance: ratio(editDistanceSum ?? 0, editsMeasured ?? 0),
    timeToReviewP50Seconds,
    timeToReviewP95Seconds,
    ticketsDecided: tickets("decided"),
    escalatedTickets: tickets("escalated"),
    autoResolved: tickets("autoResolved"),
  };
}

/** A bucket of the percentile query: its name and which rows (alias `x`) it holds. */
interface PercentileBucket {
  bucket: string;
  where: (time: SQL) => SQL;
}

/**
 * The cuts a page by policy version or model shows, as buckets: every policy
 * version (and none), or each model seen on the window's stored days (a model
 * seen only today is caught by the query's remainder).
 */
async function cutBuckets(db: Db, period: ResolvedPeriod, window: Range): Promise<PercentileBucket[]> {
  const current = (time: SQL) => inRange(time, period.current);
  if (period.groupBy === "policy") {
    const versions = rowsOf<{ id: string; version: number }>(
      await db.execute(sql`select id, version from policy_versions`),
    );
    return [
      ...versions.map((v) => ({
        bucket: `policy:${v.version}`,
        where: (time: SQL) => sql`${current(time)} and x.policy_version_id = ${v.id}`,
      })),
      { bucket: "policy:none", where: (time: SQL) => sql`${current(time)} and x.policy_version_id is null` },
    ];
  }
  if (period.groupBy === "model") {
    const models = rowsOf<{ model: string }>(
      await db.execute(sql`
        select distinct substr(key, 7) as model from metric_rollups
        where kind = 'runs' and key like 'model:%'
          and day >= ${isoDay(window.from)}::date and day < ${isoDay(window.to)}::date`),
    );
    return models.map(({ model }) => ({
      bucket: `model:${model}`,
      where: (time: SQL) => sql`${current(time)} and x.model = ${model}`,
    }));
  }
  return [];
}

/**
 * Run latency and time-to-review percentiles (continuous, interpolated) of
 * the period and the previous one, and of each cut of the period: the only
 * figures that do not add up from days, so they are read from the records.
 * One read of the window per kind: each bucket is an aggregate filtered to
 * its rows, so each sorts only its own values.
 */
export async function loadPercentiles(
  db: Db,
  period: ResolvedPeriod,
): Promise<Map<string, { latencyMs: Percentiles; waitSeconds: Percentiles }>> {
  const window: Range = { from: period.previous.from, to: period.current.to };
  const buckets: PercentileBucket[] = [
    { bucket: "current", where: (time) => inRange(time, period.current) },
    { bucket: "previous", where: (time) => inRange(time, period.previous) },
    ...(await cutBuckets(db, period, window)),
  ];
  const percentile = (value: SQL) => sql`percentile_cont(array[0.5, 0.95]) within group (order by ${value})`;
  const models = buckets.filter((b) => b.bucket.startsWith("model:")).map((b) => b.bucket.slice(6));
  const query = (kind: string, value: SQL, time: SQL, table: SQL, filter: SQL) => sql`
    select ${kind} as kind, b.bucket, b.p
    from (select ${sql.join(
      buckets.map((b, i) => sql`${percentile(value)} filter (where ${b.where(time)}) as ${sql.raw(`p${i}`)}`),
      sql`, `,
    )}
          from ${table} where ${filter} ${inRange(time, window)}) a
    cross join lateral (values ${sql.join(
      buckets.map((b, i) => sql`(${b.bucket}::text, a.${sql.raw(`p${i}`)})`),
      sql`, `,
    )}) as b(bucket, p)
    ${
      period.groupBy === "model"
        ? sql`union all
          select ${kind}, 'model:' || x.model, ${percentile(value)}
          from ${table} where ${filter} ${inRange(time, period.current)}
            ${
              models.length
                ? sql`and x.model not in (${sql.join(
                    models.map((m) => sql`${m}`),
                    sql`, `,
                  )})`
                : sql``
            }
          group by x.model`
        : sql``
    }`;
  type Row = { kind: string; bucket: string; p: (number | string | null)[] | null };
  // Runs and reviews side by side: each statement is a sort per bucket, on a core of its own.
  const rows = (
    await Promise.all([
      aggregate<Row>(
        db,
        query(
          "latencyMs",
          sql`x.latency_ms`,
          sql`x.started_at`,
          sql`agent_runs x`,
          sql`x.status <> 'running' and`,
        ),
      ),
      aggregate<Row>(
        db,
        query(
          "waitSeconds",
          sql`date_part('epoch', x.created_at - x.proposed_at)`,
          sql`x.created_at`,
          sql`reviews x`,
          sql`x.source = 'person' and`,
        ),
      ),
    ])
  ).flat();
  const out = new Map<string, { latencyMs: Percentiles; waitSeconds: Percentiles }>();
  for (const row of rows) {
    const entry = out.get(row.bucket) ?? { latencyMs: [null, null], waitSeconds: [null, null] };
    entry[row.kind as "latencyMs" | "waitSeconds"] = pair(row.p);
    out.set(row.bucket, entry);
  }
  return out;
}

const NO_PERCENTILES = { latencyMs: [null, null] as Percentiles, waitSeconds: [null, null] as Percentiles };

/** The rows of a whole-day range's days. */
const within = (rows: RollupRow[], range: Range) => {
  const from = isoDay(range.from);
  const to = isoDay(range.to);
  return rows.filter((r) => r.day >= from && r.day < to);
};

/**
 * The day rows of a period: its days, its previous period's and the 14
 * before it (the anomaly baselines). A period of whole days is read as one
 * window of day rows; otherwise the period and the previous one are read
 * each as its own range (a range from mid-day is computed from its records),
 * and the baseline's whole days beside them.
 */
async function loadPeriodRows(
  db: Db,
  period: ResolvedPeriod,
): Promise<{ current: RollupRow[]; previous: RollupRow[]; days: RollupRow[] }> {
  const window = readWindow(period);
  const options = { cuts: period.groupBy === "day" ? ("none" as const) : period.groupBy };
  if (isMidnight(period.current.from) && isMidnight(period.current.to)) {
    const rows = await loadRollupRows(db, window, options);
    return { current: within(rows, period.current), previous: within(rows, period.previous), days: rows };
  }
  const firstDay = startOfUtcDay(period.current.from);
  const [current, previous, baseline] = await Promise.all([
    loadRollupRows(db, period.current, options),
    loadRollupRows(db, period.previous, options),
    loadRollupRows(db, { from: addDays(firstDay, -14), to: firstDay }, options),
  ]);
  return { current, previous, days: [...baseline, ...current] };
}

/** What rows a report reads, for the other tables of the page (rules, reasons, checks). */
export interface LoadedFigures extends FigureBuckets {
  /** The period's day rows. */
  rows: RollupRow[];
}

/**
 * Every figure of the period, the previous period, each day or cut, and the
 * daily anomaly counts: added up from day rows (rollups.ts), with the
 * period-wide percentiles read beside them.
 */
export async function loadFigures(db: Db, period: ResolvedPeriod): Promise<LoadedFigures> {
  const [rows, percentiles] = await Promise.all([loadPeriodRows(db, period), loadPercentiles(db, period)]);
  const firstDay = firstDayOf(period.current);
  const previousFirstDay = firstDayOf(period.previous);

  const days = new Map<string, Figures>();
  const byDay = new Map<string, RollupRow[]>();
  for (const row of rows.days) {
    const list = byDay.get(row.day);
    if (list) list.push(row);
    else byDay.set(row.day, [row]);
  }
  for (const [day, dayRows] of byDay) days.set(day, withRatios(countsOf(dayRows, "all", day)));

  const cuts = new Map<string, Figures>();
  if (period.groupBy !== "day") {
    const prefix = `${period.groupBy}:`;
    const keys = new Set(
      rows.current.filter((r) => r.kind === "runs" || r.kind === "reviews").map((r) => r.key),
    );
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const counts = countsOf(rows.current, key, firstDay, percentiles.get(key) ?? NO_PERCENTILES);
      cuts.set(key.slice(prefix.length), withRatios(counts));
    }
  }
  return {
    current: withRatios(
      countsOf(rows.current, "all", firstDay, percentiles.get("current") ?? NO_PERCENTILES),
    ),
    previous: withRatios(
      countsOf(rows.previous, "all", previousFirstDay, percentiles.get("previous") ?? NO_PERCENTILES),
    ),
    days,
    cuts,
    rows: rows.current,
  };
}
