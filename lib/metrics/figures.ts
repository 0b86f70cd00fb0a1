import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { addDays, type GroupBy, type Range, type ResolvedPeriod } from "./period";
import {
  aggregate,
  agreedSql,
  at,
  decidedTicketsSql,
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

  // Tickets, by decision time (their last review).
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
  /** Every day from 14 days before the period (or the previous period's start, if earlier) to its end. */
  days: Map<string, Figures>;
  /** Per policy version ("3", or "none") or model id, within the period; empty when grouped by day. */
  cuts: Map<string, Figures>;
}

/** The window every query reads: the previous period and the 14 days an anomaly baseline needs. */
export function readWindow(period: ResolvedPeriod): Range {
  const baseline = addDays(period.current.from, -14);
  return {
    from: new Date(Math.min(baseline.getTime(), period.previous.from.getTime())),
    to: period.current.to,
  };
}

function cutExpression(groupBy: GroupBy): SQL | undefined {
  if (groupBy === "model") return sql`r.model`;
  if (groupBy === "policy") return sql`coalesce(p.version::text, 'none')`;
  return undefined;
}

/**
 * The columns that sort a row into its buckets, and the grouping sets that
 * compute all of them in one pass: the period (current / previous / neither),
 * the UTC day, and (within the current period) the cut.
 */
function bucketing(time: SQL, period: ResolvedPeriod, cut: SQL | undefined) {
  const columns = sql`
    case when ${inRange(time, period.current)} then 'current'
         when ${inRange(time, period.previous)} then 'previous' end as period,
    to_char(${time} at time zone 'UTC', 'YYYY-MM-DD') as day,
    ${inRange(time, period.current)} as in_current,
    ${cut ?? sql`null::text`} as cut`;
  const sets = cut
    ? sql`grouping sets ((b.period), (b.day), (b.in_current, b.cut))`
    : sql`grouping sets ((b.period), (b.day))`;
  const bucket = sql`
    case when grouping(b.period) = 0 then 'period:' || b.period
         when grouping(b.day) = 0 then 'day:' || b.day
         ${cut ? sql`when b.in_current then 'cut:' || b.cut` : sql``} end as bucket`;
  return { columns, sets, bucket };
}

interface BucketRow {
  bucket: string | null;
}

async function runCounts(db: Db, period: ResolvedPeriod, window: Range): Promise<(BucketRow & RunCounts)[]> {
  const cut = cutExpression(period.groupBy);
  const { columns, sets, bucket } = bucketing(sql`r.started_at`, period, cut);
  return aggregate<BucketRow & RunCounts>(
    db,
    sql`
      select ${bucket},
             count(*)::int as "runs",
             count(*) filter (where b.with_reply)::int as "runsWithReply",
             count(distinct b.ticket_id)::int as "ticketsDrafted",
             coalesce(sum(b.cost), 0)::float8 as "costMicroUsd",
             coalesce(sum(b.tokens), 0)::float8 as "tokens",
             percentile_cont(0.5) within group (order by b.latency_ms) as "latencyP50Ms",
             percentile_cont(0.95) within group (order by b.latency_ms) as "latencyP95Ms"
      from (
        select r.ticket_id, r.cost_micro_usd as cost, r.input_tokens + r.output_tokens as tokens, r.latency_ms,
               d.run_id is not null as with_reply, ${columns}
        from agent_runs r
        left join (
          select distinct run_id from agent_actions
          where kind = 'reply' and blocked_by is null and created_at >= ${at(window.from)}
        ) d on d.run_id = r.id
        ${period.groupBy === "policy" ? sql`left join policy_versions p on p.id = r.policy_version_id` : sql``}
        where ${inRange(sql`r.started_at`, window)} and r.status <> 'running'
      ) b
      group by ${sets}`,
  );
}

async function reviewCounts(
  db: Db,
  period: ResolvedPeriod,
  window: Range,
): Promise<(BucketRow & ReviewCounts)[]> {
  const cut = cutExpression(period.groupBy);
  const { columns, sets, bucket } = bucketing(sql`v.created_at`, period, cut);
  return aggregate<BucketRow & ReviewCounts>(
    db,
    sql`
      select ${bucket},
             count(*)::int as "reviewedActions",
             count(*) filter (where b.agreed)::int as "agreedActions",
             count(*) filter (where b.kind = 'reply')::int as "reviewedReplies",
             count(*) filter (where b.decision = 'edit')::int as "edits",
             avg(b.edit_distance) filter (where b.decision = 'edit') as "meanEditDistance",
             count(*) filter (where b.kind = 'reply' and b.hallucinated)::int as "hallucinatedReplies",
             percentile_cont(0.5) within group (order by b.wait) as "timeToReviewP50Seconds",
             percentile_cont(0.95) within group (order by b.wait) as "timeToReviewP95Seconds"
      from (
        select v.decision, v.edit_distance, a.kind, ${agreedSql("v", "a")} as agreed,
               ${hallucinatedSql("v", "g.run_id")} as hallucinated,
               extract(epoch from v.created_at - a.created_at)::float8 as wait, ${columns}
        from reviews v
        join agent_actions a on a.id = v.action_id
        ${cut ? sql`join agent_runs r on r.id = a.run_id` : sql``}
        ${period.groupBy === "policy" ? sql`left join policy_versions p on p.id = r.policy_version_id` : sql``}
        left join (${FAILED_GROUNDING_RUNS}) g on g.run_id = a.run_id
        where ${inRange(sql`v.created_at`, window)}
      ) b
      group by ${sets}`,
  );
}

async function ticketCounts(
  db: Db,
  period: ResolvedPeriod,
  window: Range,
): Promise<(BucketRow & TicketCounts)[]> {
  const cut = cutExpression(period.groupBy);
  const { columns, sets, bucket } = bucketing(sql`t.decided_at`, period, cut ? sql`t.cut` : undefined);
  return aggregate<BucketRow & TicketCounts>(
    db,
    sql`
      select ${bucket},
             count(*)::int as "ticketsDecided",
             count(*) filter (where b.auto_resolved)::int as "autoResolved",
             count(*) filter (where b.escalated)::int as "escalatedTickets"
      from (
        select t.escalated, t.auto_resolved, ${columns}
        from (${decidedTicketsSql(window, cut)}) t
      ) b
      group by ${sets}`,
  );
}

/** Numbers from either driver (postgres.js returns float8 as number, numeric as string). */
function numeric(row: Record<string, unknown>): Partial<Counts> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === "bucket") continue;
    out[key] = value === null || value === undefined ? null : Number(value);
  }
  return out as Partial<Counts>;
}

/**
 * Every figure of the period, the previous period, each day and each cut, in
 * three aggregate queries (runs, reviews, decided tickets) that run side by
 * side. Nothing is computed from loaded rows: each query returns one row per
 * bucket.
 */
export async function loadFigures(db: Db, period: ResolvedPeriod): Promise<FigureBuckets> {
  const window = readWindow(period);
  const [runs, reviews, decided] = await Promise.all([
    runCounts(db, period, window),
    reviewCounts(db, period, window),
    ticketCounts(db, period, window),
  ]);
  const counts = new Map<string, Partial<Counts>>();
  for (const row of [...runs, ...reviews, ...decided]) {
    if (!row.bucket) continue; // a row before the previous period, or a cut outside the period
    counts.set(row.bucket, {
      ...counts.get(row.bucket),
      ...numeric(row as unknown as Record<string, unknown>),
    });
  }
  const days = new Map<string, Figures>();
  const cuts = new Map<string, Figures>();
  for (const [bucket, c] of counts) {
    if (bucket.startsWith("day:")) days.set(bucket.slice(4), withRatios(c));
    if (bucket.startsWith("cut:")) cuts.set(bucket.slice(4), withRatios(c));
  }
  return {
    current: withRatios(counts.get("period:current") ?? {}),
    previous: withRatios(counts.get("period:previous") ?? {}),
    days,
    cuts,
  };
}
