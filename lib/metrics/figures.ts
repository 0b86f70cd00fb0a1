import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { addDays, type GroupBy, type Range, type ResolvedPeriod } from "./period";
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
  /** Tickets settled by a reply approved as drafted, with no escalation. */
  autoResolved: number;
  /** autoResolution = autoResolved / ticketsDecided. */
  autoResolution: number | null;
  /** Tickets whose outcome is escalated (any review escalated or approved an escalation). */
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
   * Per UTC day. Grouped by day: every figure, for each day of the period, and the review and
   * ticket figures of the 14 days before it (anomaly baselines). Grouped by policy or model: only
   * the counts anomaly detection reads (reviewed replies, hallucinated replies, tickets decided,
   * escalated tickets), for the period and the 14 days before.
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

/** The cut of a row: its run's model or policy version (`r` is agent_runs, `p` policy_versions). */
function cutExpression(groupBy: GroupBy): SQL {
  if (groupBy === "model") return sql`r.model`;
  if (groupBy === "policy") return sql`coalesce(p.version::text, 'none')`;
  return sql`null::text`;
}

/**
 * The bucket columns of a base row: `period` 1 (current) or 2 (previous) or
 * null, `day` its UTC date, and `x`, the series key: the day, or (within the
 * current period) the cut.
 */
function bucketColumns(time: SQL, period: ResolvedPeriod): SQL {
  const x =
    period.groupBy === "day"
      ? sql`(${time} at time zone 'UTC')::date`
      : sql`case when ${inRange(time, period.current)} then ${cutExpression(period.groupBy)} end`;
  return sql`
    case when ${inRange(time, period.current)} then 1 when ${inRange(time, period.previous)} then 2 end as period,
    (${time} at time zone 'UTC')::date as day,
    ${x} as x`;
}

/** `period:1` / `period:2` for the period rows of grouping sets ((period), (x)), `x:<key>` for the series. */
const BUCKET = sql`
  case grouping(b.period, b.x)
    when 1 then 'period:' || b.period
    when 2 then 'x:' || b.x end as bucket`;

interface BucketRow {
  bucket: string | null;
}

function joinsFor(groupBy: GroupBy, actionAlias: string): SQL {
  if (groupBy === "day") return sql``;
  const runs = sql.raw(`join agent_runs r on r.id = ${actionAlias}.run_id`);
  return groupBy === "policy" ? sql`${runs} left join policy_versions p on p.id = r.policy_version_id` : runs;
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
               d.run_id is not null as with_reply, ${bucketColumns(sql`r.started_at`, period)}
        from agent_runs r
        left join (
          select distinct run_id from agent_actions
          where kind = 'reply' and blocked_by is null and created_at >= ${at(window.from)}
        ) d on d.run_id = r.id
        ${period.groupBy === "policy" ? sql`left join policy_versions p on p.id = r.policy_version_id` : sql``}
        where ${inRange(sql`r.started_at`, window)} and r.status <> 'running'
      )
      select ${BUCKET},
             count(*)::int as "runs",
             count(*) filter (where b.with_reply)::int as "runsWithReply",
             count(distinct b.ticket_id)::int as "ticketsDrafted",
             coalesce(sum(b.cost), 0)::float8 as "costMicroUsd",
             coalesce(sum(b.tokens), 0)::float8 as "tokens",
             percentile_cont(array[0.5, 0.95]) within group (order by b.latency_ms) as "latencyMs"
      from b
      group by grouping sets ((b.period), (b.x))`,
  );
}

/**
 * Reviews (by review time) and the tickets they decided, in one statement over
 * one read of reviews and actions: review-level figures per bucket, then
 * ticket-level ones (each ticket once per bucket, its outcome from its
 * decisions in that bucket), and, when the series is not by day, the daily
 * counts anomaly detection needs.
 */
async function reviewCounts(
  db: Db,
  period: ResolvedPeriod,
): Promise<(BucketRow & Record<string, unknown>)[]> {
  const window = readWindow(period);
  const daily =
    period.groupBy === "day"
      ? sql``
      : sql`
      union all
      select 'day:' || to_char(b.day, 'YYYY-MM-DD'), null, null,
             count(*) filter (where b.kind = 'reply')::int, null, count(*) filter (where b.kind = 'reply' and b.hallucinated)::int,
             null, null, null, null, null
      from b group by b.day
      union all
      select 'day:' || to_char(t.day, 'YYYY-MM-DD'), null, null, null, null, null, null, null,
             count(*)::int, count(*) filter (where t.escalated)::int, null
      from (select b.ticket_id, b.day, bool_or(b.escalating) as escalated from b group by b.ticket_id, b.day) t
      group by t.day`;
  return aggregate(
    db,
    sql`
      with b as materialized (
        select v.ticket_id, v.decision, v.edit_distance, a.kind, ${agreedSql("v", "a")} as agreed,
               ${escalatingSql("v", "a")} as escalating,
               ${hallucinatedSql("v", "g.run_id")} as hallucinated,
               extract(epoch from v.created_at - a.created_at)::float8 as wait,
               ${bucketColumns(sql`v.created_at`, period)}
        from reviews v
        join agent_actions a on a.id = v.action_id
        ${joinsFor(period.groupBy, "a")}
        left join (${FAILED_GROUNDING_RUNS}) g on g.run_id = a.run_id
        where ${inRange(sql`v.created_at`, window)}
      )
      select ${BUCKET},
             count(*)::int as "reviewedActions",
             count(*) filter (where b.agreed)::int as "agreedActions",
             count(*) filter (where b.kind = 'reply')::int as "reviewedReplies",
             count(*) filter (where b.decision = 'edit')::int as "edits",
             count(*) filter (where b.kind = 'reply' and b.hallucinated)::int as "hallucinatedReplies",
             avg(b.edit_distance) filter (where b.decision = 'edit') as "meanEditDistance",
             percentile_cont(array[0.5, 0.95]) within group (order by b.wait) as "waitSeconds",
             null::int as "ticketsDecided", null::int as "escalatedTickets", null::int as "autoResolved"
      from b
      group by grouping sets ((b.period), (b.x))
      union all
      select ${BUCKET}, null, null, null, null, null, null, null,
             count(*)::int, count(*) filter (where b.escalated)::int, count(*) filter (where b.auto_resolved)::int
      from (
        select b.ticket_id, b.period, b.x, bool_or(b.escalating) as escalated,
               bool_or(b.decision = 'approve' and b.kind = 'reply') and not bool_or(b.escalating) as auto_resolved
        from b
        group by grouping sets ((b.ticket_id, b.period), (b.ticket_id, b.x))
      ) b
      group by grouping sets ((b.period), (b.x))
      ${daily}`,
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
    if (!row.bucket) continue; // a row outside both periods, or a cut outside the period
    merged.set(row.bucket, { ...merged.get(row.bucket), ...counts(row) });
  }
  const days = new Map<string, Figures>();
  const cuts = new Map<string, Figures>();
  for (const [bucket, c] of merged) {
    if (bucket.startsWith("day:")) days.set(bucket.slice(4), withRatios(c));
    if (bucket.startsWith("x:")) (period.groupBy === "day" ? days : cuts).set(bucket.slice(2), withRatios(c));
  }
  return {
    current: withRatios(merged.get("period:1") ?? {}),
    previous: withRatios(merged.get("period:2") ?? {}),
    days,
    cuts,
  };
}
