import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { addDays, type GroupBy, type Range, type ResolvedPeriod, startOfUtcDay } from "./period";
import {
  aggregate,
  agreedSql,
  at,
  escalatingSql,
  FAILED_GROUNDING_RUNS,
  hallucinatedSql,
  inRange,
} from "./sql";

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

/** What the review queries read: the previous period and the 14 days an anomaly baseline needs. */
export function readWindow(period: ResolvedPeriod): Range {
  const baseline = addDays(period.current.from, -14);
  return {
    from: new Date(Math.min(baseline.getTime(), period.previous.from.getTime())),
    to: period.current.to,
  };
}

/**
 * The cut of a row: its run's model or policy version. `row` is agent_runs or
 * reviews (which carry both), `p` the joined policy_versions.
 */
function cutExpression(groupBy: GroupBy, row: string): SQL {
  if (groupBy === "model") return sql.raw(`${row}.model`);
  if (groupBy === "policy") return sql`coalesce(p.version::text, 'none')`;
  return sql`null::text`;
}

/**
 * The bucket columns of a base row: `period` 1 (current) or 2 (previous) or
 * null (an anomaly-baseline day only), `day` its UTC date, and `x` its series
 * key within the current period: the day, or the cut.
 */
function bucketColumns(time: SQL, period: ResolvedPeriod, row: string): SQL {
  // UTC midnight of the row's day by integer arithmetic (date_bin); `at time zone` and to_char per
  // row cost more than the rest of the row. Days are formatted once per group.
  const day = sql`date_bin('1 day', ${time}, '2000-01-01T00:00:00Z'::timestamptz)`;
  const x = period.groupBy === "day" ? day : cutExpression(period.groupBy, row);
  return sql`
    case when ${inRange(time, period.current)} then 1 when ${inRange(time, period.previous)} then 2 end as period,
    ${day} as day,
    case when ${inRange(time, period.current)} then ${x} end as x`;
}

/** `YYYY-MM-DD` of a day column (a UTC midnight). */
function dayText(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`;
}

interface BucketRow {
  bucket: string | null;
}

/** The policy version of a row (agent_runs or reviews), when the series is cut by it. */
function policyJoin(groupBy: GroupBy, row: string): SQL {
  return groupBy === "policy"
    ? sql.raw(`left join policy_versions p on p.id = ${row}.policy_version_id`)
    : sql``;
}

/**
 * The same aggregates over the two periods (one row each) and over the series
 * keys of the current period (one row per day or cut), as `period:1`,
 * `period:2` and `x:<key>` rows. Rows of the previous period never reach the
 * series, so its sorts (percentiles, distinct counts) cover the period only.
 */
function perBucket(aggregates: SQL, from: SQL, groupBy: GroupBy): SQL {
  const key = groupBy === "day" ? dayText(sql`b.x`) : sql`b.x`;
  // Each period is a plain aggregate over its rows: no sort of whole rows, only of the values
  // the percentiles and distinct counts need.
  return sql`
    select 'period:1' as bucket, ${aggregates} from ${from} where b.period = 1
    union all
    select 'period:2', ${aggregates} from ${from} where b.period = 2
    union all
    select 'x:' || ${key}, ${aggregates} from ${from} where b.x is not null group by b.x`;
}

/**
 * Runs of the period and the previous period (by start), one row per bucket.
 * Percentiles are continuous (interpolated); both come from one sort.
 */
async function runCounts(db: Db, period: ResolvedPeriod): Promise<(BucketRow & Record<string, unknown>)[]> {
  const window: Range = { from: period.previous.from, to: period.current.to };
  return aggregate(
    db,
    sql`
      with b as materialized (
        select r.ticket_id, r.cost_micro_usd as cost, r.input_tokens + r.output_tokens as tokens, r.latency_ms,
               exists (select 1 from agent_actions a
                       where a.run_id = r.id and a.kind = 'reply' and a.blocked_by is null) as with_reply,
               ${bucketColumns(sql`r.started_at`, period, "r")}
        from agent_runs r
        ${policyJoin(period.groupBy, "r")}
        where ${inRange(sql`r.started_at`, window)} and r.status <> 'running'
      )
      ${perBucket(
        sql`count(*)::int as "runs",
            count(*) filter (where b.with_reply)::int as "runsWithReply",
            count(distinct b.ticket_id)::int as "ticketsDrafted",
            coalesce(sum(b.cost), 0)::float8 as "costMicroUsd",
            coalesce(sum(b.tokens), 0)::float8 as "tokens",
            percentile_cont(array[0.5, 0.95]) within group (order by b.latency_ms) as "latencyMs"`,
        sql`b`,
        period.groupBy,
      )}`,
  );
}

/**
 * Reviews (by review time) and the tickets they decided, in one statement over
 * one read of reviews (which carry their action's kind and run): per period and series key, the review
 * figures and the decided tickets (distinct tickets, so a ticket decided twice
 * in a bucket counts once); then, for the 14 days before the period (and, when
 * the series is not by day, the days of the period), the counts anomaly
 * detection needs.
 */
async function reviewCounts(
  db: Db,
  period: ResolvedPeriod,
): Promise<(BucketRow & Record<string, unknown>)[]> {
  const window = readWindow(period);
  // Baseline days are whole UTC days before the period's first day; the period's own days (the
  // series rows when grouped by day) count the part of the day inside the period.
  const firstDay = startOfUtcDay(period.current.from);
  return aggregate(
    db,
    sql`
      with b as materialized (
        select v.ticket_id, v.decision, v.edit_distance, v.action_kind as kind, ${agreedSql("v")} as agreed,
               ${escalatingSql("v")} as escalating,
               ${hallucinatedSql("v", "g.run_id")} as hallucinated,
               date_part('epoch', v.created_at - v.proposed_at) as wait,
               ${bucketColumns(sql`v.created_at`, period, "v")}
        from reviews v
        ${policyJoin(period.groupBy, "v")}
        left join (${FAILED_GROUNDING_RUNS}) g on g.run_id = v.run_id
        where ${inRange(sql`v.created_at`, window)}
      )
      ${perBucket(
        sql`count(*)::int as "reviewedActions",
            count(*) filter (where b.agreed)::int as "agreedActions",
            count(*) filter (where b.kind = 'reply')::int as "reviewedReplies",
            count(*) filter (where b.decision = 'edit')::int as "edits",
            count(*) filter (where b.kind = 'reply' and b.hallucinated)::int as "hallucinatedReplies",
            avg(b.edit_distance) filter (where b.decision = 'edit') as "meanEditDistance",
            percentile_cont(array[0.5, 0.95]) within group (order by b.wait) as "waitSeconds",
            count(distinct b.ticket_id)::int as "ticketsDecided",
            count(distinct b.ticket_id) filter (where b.escalating)::int as "escalatedTickets",
            count(distinct b.ticket_id) filter (where b.decision = 'approve' and b.kind = 'reply')::int
              as "autoResolved"`,
        sql`b`,
        period.groupBy,
      )}
      union all
      select 'day:' || ${dayText(sql`b.day`)}, null, null,
             count(*) filter (where b.kind = 'reply')::int, null,
             count(*) filter (where b.kind = 'reply' and b.hallucinated)::int, null, null,
             count(distinct b.ticket_id)::int, count(distinct b.ticket_id) filter (where b.escalating)::int, null
      from b
      where (b.day >= ${at(addDays(firstDay, -14))} and b.day < ${at(firstDay)})
        ${period.groupBy === "day" ? sql`` : sql`or b.period = 1`}
      group by b.day`,
  );
}

/** Numbers from either driver (bigint and numeric can arrive as strings); percentile pairs unpacked. */
function counts(row: Record<string, unknown>): Partial<Counts> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === "bucket" || value === null || value === undefined) continue;
    if (key === "latencyMs" || key === "waitSeconds") {
      const [p50, p95] = (value as (number | string | null)[]).map((v) => (v === null ? null : Number(v)));
      if (key === "latencyMs") Object.assign(out, { latencyP50Ms: p50 ?? null, latencyP95Ms: p95 ?? null });
      else Object.assign(out, { timeToReviewP50Seconds: p50 ?? null, timeToReviewP95Seconds: p95 ?? null });
      continue;
    }
    out[key] = Number(value);
  }
  return out as Partial<Counts>;
}

/**
 * Every figure of the period, the previous period, each day or cut, and the
 * daily anomaly counts, in two aggregate statements (runs; reviews and the
 * tickets they decided) that run side by side. Nothing is computed from
 * loaded rows: each statement returns one row per bucket.
 */
export async function loadFigures(db: Db, period: ResolvedPeriod): Promise<FigureBuckets> {
  const [runs, reviews] = await Promise.all([runCounts(db, period), reviewCounts(db, period)]);
  const merged = new Map<string, Partial<Counts>>();
  for (const row of [...runs, ...reviews]) {
    if (!row.bucket) continue;
    // Day rows (anomaly counts) and series rows of the same day describe the same records: merge them.
    const key =
      period.groupBy === "day" && row.bucket.startsWith("x:") ? `day:${row.bucket.slice(2)}` : row.bucket;
    merged.set(key, { ...merged.get(key), ...counts(row) });
  }
  const days = new Map<string, Figures>();
  const cuts = new Map<string, Figures>();
  for (const [bucket, c] of merged) {
    if (bucket.startsWith("day:")) days.set(bucket.slice(4), withRatios(c));
    if (bucket.startsWith("x:")) cuts.set(bucket.slice(2), withRatios(c));
  }
  return {
    current: withRatios(merged.get("period:1") ?? {}),
    previous: withRatios(merged.get("period:2") ?? {}),
    days,
    cuts,
  };
}
