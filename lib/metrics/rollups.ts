import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { failedCheckSql } from "@/lib/agent/chain";
import { addDays, DEFAULT_PERIOD_DAYS, isMidnight, isoDay, type Range, startOfUtcDay } from "./period";
import { ruleFiringsSql } from "./rule-fired";
import {
  aggregate,
  agreedSql,
  autoResolvedSql,
  DASHBOARD_SETTINGS,
  escalatingSql,
  hallucinatedSql,
  inRange,
} from "./sql";

/**
 * The dashboard's figures by UTC day. A month's page adds up days instead of
 * re-reading a month of runs and reviews: closed days (before today, UTC) are
 * computed once and kept in metric_rollups; today, and any part of a day a
 * period cuts, is computed from the records on each read by the same SQL.
 * Triggers (migration 0006) delete stored days when a record that counts on
 * them changes, so a stored day always equals what the records say.
 *
 * Rows, one per day and:
 * - `runs` / `reviews`, key `all`, `policy:<version|none>` or `model:<id>`:
 *   the day's additive counts and sums, and its own percentiles;
 * - `rule` (key: rule id): fired (runs), blocks, forced escalations, overrides;
 * - `reason` (key: tag): reviews carrying it; `check` (key: check): failures;
 * - `tickets` (key `<chain>|<cut>`): the tickets with an event of the chain
 *   that day (a review, an escalating decision, a run, a failed check…), by
 *   how many days before the ticket last had one ("new": never, or over 366
 *   days). A ticket counts once in a period when its previous event falls
 *   before the period, so distinct-ticket counts over any run of whole days
 *   add up exactly from these rows.
 */
export interface RollupRow {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  kind: "runs" | "reviews" | "rule" | "reason" | "check" | "tickets";
  key: string;
  values: Record<string, unknown>;
}

/** The lock a dashboard holds while it stores days, and a back-dated write takes (shared) before deleting them. */
const ROLLUP_LOCK = 7262010;
/**
 * The last day that is not closed yet: today (UTC), or yesterday in the first
 * 15 minutes after midnight, so a day is stored only once the writes begun
 * before midnight have committed.
 */
const CLOSED_BEFORE = sql.raw(`((now() - interval '15 minutes') at time zone 'UTC')::date`);
/** A stored day as `YYYY-MM-DD`, whatever the session's DateStyle. */
const dayText = sql.raw(`to_char(day, 'YYYY-MM-DD')`);

/** A ticket's earlier event further back than this can never be inside a period with this day (periods are <= 366 days). */
const LOOKBACK_DAYS = 367;

const day = (column: string) => sql.raw(`(${column} at time zone 'UTC')::date`);

/*
 * The sources every row is built from, each read once per statement: runs
 * (by start), their guardrail steps and failed checks, their actions, and
 * reviews (by review time). The same shapes serve the range and, for the
 * previous-event lookup, the history before it.
 */

/** Runs matching `where` (on `r`), with their day and cut columns. */
function runsSource(where: SQL): SQL {
  return sql`
    select r.id, r.ticket_id, r.status, r.model, coalesce(p.version::text, 'none') as policy,
           r.cost_micro_usd as cost, r.input_tokens + r.output_tokens as tokens, r.latency_ms,
           ${day("r.started_at")} as day
    from agent_runs r left join policy_versions p on p.id = r.policy_version_id
    where ${where}`;
}

/** Guardrail steps and failed checks of the runs in `runs` (each found through the signals index). */
function stepsSource(runs: string): SQL {
  return sql`
    select r.id as run_id, r.ticket_id, r.day, s.kind, s.name
    from ${sql.raw(runs)} r join agent_steps s on s.run_id = r.id and s.kind = 'guardrail'
    union all
    select r.id, r.ticket_id, r.day, s.kind, s.check_name
    from ${sql.raw(runs)} r
    join agent_steps s on s.run_id = r.id and ${failedCheckSql("s")}`;
}

/** Reviews matching `where` (on `v`), with their outcome flags, day and cut columns. */
function reviewsSource(where: SQL): SQL {
  return sql`
    select v.ticket_id, v.decision, v.action_kind as kind, v.edit_distance, v.reason_tags, v.model,
           coalesce(p.version::text, 'none') as policy, ${day("v.created_at")} as day,
           ${agreedSql("v")} as agreed, ${escalatingSql("v")} as escalating,
           ${autoResolvedSql("v")} as auto_resolved, ${hallucinatedSql("v")} as hallucinated,
           v.source = 'auto' as autopilot,
           date_part('epoch', v.created_at - v.proposed_at) as wait
    from reviews v left join policy_versions p on p.id = v.policy_version_id
    where ${where}`;
}

/**
 * What to compute: `history` (see rollupRowsSql), and `cuts`: the rows by
 * policy version and model too, or by one of them, or by neither (stored days
 * always have both; a page reads only the cut it shows).
 */
export interface RollupOptions {
  history: boolean;
  cuts: Cuts;
}
export type Cuts = "both" | "policy" | "model" | "none";

/** The key column and grouping of an aggregate over `b`: by day, and by policy version and model with cuts. */
const withPolicy = (cuts: Cuts) => cuts === "both" || cuts === "policy";
const withModel = (cuts: Cuts) => cuts === "both" || cuts === "model";
const cutKey = (cuts: Cuts) =>
  cuts === "none"
    ? sql`'all'`
    : sql.raw(`case ${withPolicy(cuts) ? "when grouping(b.policy) = 0 then 'policy:' || b.policy" : ""}
                ${withModel(cuts) ? "when grouping(b.model) = 0 then 'model:' || b.model" : ""} else 'all' end`);
const cutSets = (cuts: Cuts) =>
  sql.raw(
    `grouping sets ((b.day)${withPolicy(cuts) ? ", (b.day, b.policy)" : ""}${withModel(cuts) ? ", (b.day, b.model)" : ""})`,
  );
const cutArray = (cuts: Cuts) =>
  sql.raw(
    `array['all'${withPolicy(cuts) ? ", 'policy:' || b.policy" : ""}${withModel(cuts) ? ", 'model:' || b.model" : ""}]`,
  );

/**
 * The ticket events of every distinct-ticket count, as (key, ticket, day),
 * key "<chain>|<cut>": finished runs (drafted), failed checks, decisions
 * (decided, escalated, auto-resolved; each by cut) and reason tags.
 */
function ticketEvents(runs: string, steps: string, reviews: string, cuts: Cuts): SQL {
  return sql`
    select 'drafted|' || c.cut as key, b.ticket_id, b.day
    from ${sql.raw(runs)} b
    cross join lateral unnest(${cutArray(cuts)}) as c(cut)
    where b.status <> 'running'
    union all
    select 'check:' || b.name || '|all', b.ticket_id, b.day from ${sql.raw(steps)} b where b.kind = 'verification'
    union all
    select ch.chain || '|' || c.cut, b.ticket_id, b.day
    from ${sql.raw(reviews)} b
    cross join lateral unnest(array['decided']
      || case when b.escalating then array['escalated'] else '{}'::text[] end
      || case when b.auto_resolved then array['autoResolved'] else '{}'::text[] end) as ch(chain)
    cross join lateral unnest(${cutArray(cuts)}) as c(cut)
    union all
    select 'reason:' || tag || '|all', b.ticket_id, b.day
    from ${sql.raw(reviews)} b cross join lateral unnest(b.reason_tags) as tag
    where cardinality(b.reason_tags) > 0`;
}

/**
 * Every rollup row of the range, computed from the records, in one statement.
 * `tickets` rows: each ticket of a day, by the days since its previous event
 * of the same chain and cut. With `history`, events before the range count
 * (up to 367 days back, looked up for the range's tickets only), so stored
 * days compose into any period; without, only the range's own events do (for
 * a period that starts mid-day).
 */
function rollupRowsSql(range: Range, { history, cuts }: RollupOptions): SQL {
  // Within one day a ticket has one event per chain: its previous one is before the range.
  const oneDay =
    startOfUtcDay(range.from).getTime() === startOfUtcDay(new Date(range.to.getTime() - 1)).getTime();
  const before: Range = { from: addDays(range.from, -LOOKBACK_DAYS), to: range.from };
  const previous = history
    ? sql`,
      runs_before as materialized (
        ${runsSource(sql`r.ticket_id in (select ticket_id from cur) and ${inRange(sql`r.started_at`, before)}`)}),
      steps_before as (${stepsSource("runs_before")}),
      reviews_before as (
        ${reviewsSource(sql`v.ticket_id in (select ticket_id from cur) and ${inRange(sql`v.created_at`, before)}`)}),
      prev as (
        select e.key, e.ticket_id, max(e.day) as day
        from (${ticketEvents("runs_before", "steps_before", "reviews_before", cuts)}) e
        group by 1, 2)`
    : sql`, prev as (select null::text as key, null::uuid as ticket_id, null::date as day where false)`;
  return sql`
    with runs_in as materialized (${runsSource(inRange(sql`r.started_at`, range))}),
    steps_in as materialized (${stepsSource("runs_in")}),
    actions_in as materialized (
      select a.run_id, a.kind, a.status, a.blocked_by, a.blocked_check, a.payload->'ruleIds' as rule_ids, r.day
      from runs_in r join agent_actions a on a.run_id = r.id),
    reviews_in as materialized (${reviewsSource(inRange(sql`v.created_at`, range))}),
    cur as materialized (
      select e.key collate "C" as key, e.ticket_id, e.day
      from (${ticketEvents("runs_in", "steps_in", "reviews_in", cuts)}) e
      group by 1, 2, 3)
    ${previous},
    gaps as (
      select c.key, c.day, c.day - ${
        oneDay
          ? sql`p.day`
          : sql`coalesce(lag(c.day) over (partition by c.ticket_id, c.key order by c.day), p.day)`
      } as gap
      from cur c left join prev p on p.ticket_id = c.ticket_id and p.key = c.key)
    -- Runs by day and cut.
    select b.day, 'runs' as kind, ${cutKey(cuts)} as key, jsonb_build_object(
      'runs', count(*), 'runsWithReply', count(*) filter (where b.id in (
        select run_id from actions_in where kind = 'reply' and blocked_by is null)),
      'costMicroUsd', coalesce(sum(b.cost), 0), 'tokens', coalesce(sum(b.tokens), 0),
      'latencyMs', percentile_cont(array[0.5, 0.95]) within group (order by b.latency_ms)) as values
    from runs_in b where b.status <> 'running'
    group by ${cutSets(cuts)}
    union all
    -- Reviews by day and cut: people's decisions, and the autopilot's approvals apart.
    select b.day, 'reviews', ${cutKey(cuts)}, jsonb_build_object(
      'reviewedActions', count(*) filter (where not b.autopilot),
      'agreedActions', count(*) filter (where b.agreed and not b.autopilot),
      'reviewedReplies', count(*) filter (where b.kind = 'reply' and not b.autopilot),
      'edits', count(*) filter (where b.decision = 'edit'),
      'editDistanceSum', coalesce(sum(b.edit_distance) filter (where b.decision = 'edit'), 0),
      'editsMeasured', count(b.edit_distance) filter (where b.decision = 'edit'),
      'hallucinatedReplies', count(*) filter (where b.hallucinated and not b.autopilot),
      'autopilotApproved', count(*) filter (where b.autopilot),
      'waitSeconds', percentile_cont(array[0.5, 0.95]) within group (order by b.wait)
        filter (where not b.autopilot))
    from reviews_in b
    group by ${cutSets(cuts)}
    union all
    -- Per rule: runs in which it fired (lib/metrics/rule-fired.ts), proposals it blocked,
    -- escalations it forced and, of those, the ones a reviewer rejected.
    select x.day, 'rule', x.rule, jsonb_build_object(
      'fired', sum(x.fired), 'blocks', sum(x.blocks), 'forcedEscalations', sum(x.forced),
      'overrides', sum(x.overrides))
    from (
      select day, rule_id as rule, 1 as fired, 0 as blocks, 0 as forced, 0 as overrides
      from (${ruleFiringsSql(sql.raw("steps_in"), sql.raw("actions_in"))}) firings
      union all
      select day, blocked_by, 0, 1, 0, 0 from actions_in where blocked_by is not null and blocked_check is null
      union all
      select a.day, e.rule, 0, 0, 1, (a.status = 'rejected')::int
      from actions_in a
      cross join lateral jsonb_array_elements_text(
        case when jsonb_typeof(a.rule_ids) = 'array' then a.rule_ids else '[]'::jsonb end) as e(rule)
      where a.kind = 'escalation'
    ) x
    group by x.day, x.rule
    union all
    -- Reviews per reason tag; failed checks (repair round folded in) per check.
    select b.day, 'reason', tag, jsonb_build_object('reviews', count(*))
    from reviews_in b cross join lateral unnest(b.reason_tags) as tag
    where cardinality(b.reason_tags) > 0
    group by b.day, tag
    union all
    select day, 'check', name, jsonb_build_object('failures', count(*))
    from steps_in where kind = 'verification'
    group by day, name
    union all
    -- Tickets by the days since their previous event of the chain ("new": none, or over 366 days).
    select day, 'tickets', key, jsonb_object_agg(gap, n)
    from (
      select key, day, case when gap is null or gap > 366 then 'new' else gap::text end as gap, count(*) as n
      from gaps group by 1, 2, 3
    ) counted
    group by day, key`;
}

/** A row as read: `kind` "day" marks a stored day. */
type RawRow = Omit<RollupRow, "kind"> & { kind: RollupRow["kind"] | "day" };

/** Computes the range's rows from the records (nothing stored). */
export async function computeRollupRows(db: Db, range: Range, options: RollupOptions): Promise<RollupRow[]> {
  return aggregate<RollupRow>(
    db,
    sql`select ${dayText} as day, kind, key, values from (${rollupRowsSql(range, options)}) r`,
  );
}

/** The spans of consecutive days in a sorted list of `YYYY-MM-DD` days. */
function spans(days: string[]): Range[] {
  const out: Range[] = [];
  for (const d of days) {
    const from = new Date(`${d}T00:00:00Z`);
    const last = out.at(-1);
    if (last && last.to.getTime() === from.getTime()) last.to = addDays(from, 1);
    else out.push({ from, to: addDays(from, 1) });
  }
  return out;
}

/** Computes and keeps the given closed days (under the rollup lock; days stored meanwhile are skipped). */
async function storeDays(db: Db, days: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(DASHBOARD_SETTINGS);
    await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`);
    const stored = new Set(
      rowsOf<{ day: string }>(
        await tx.execute(sql`
          select ${dayText} as day from metric_rollups
          where kind = 'day' and day = any(${`{${days.join(",")}}`}::date[])`),
      ).map((r) => r.day),
    );
    for (const span of spans(days.filter((d) => !stored.has(d)))) {
      await tx.execute(sql`
        insert into metric_rollups (day, kind, key, values)
        ${rollupRowsSql(span, { history: true, cuts: "both" })}
        union all
        select d::date, 'day', '', '{}'::jsonb
        from generate_series(${isoDay(span.from)}::timestamp, ${isoDay(addDays(span.to, -1))}::timestamp,
                             interval '1 day') as d`);
    }
  });
}

/** The closed days the default page reads: its 30 days and the 30 of the previous period. */
const RECENT_DAYS = 2 * DEFAULT_PERIOD_DAYS;

/**
 * Stores the recent closed days not stored yet (after midnight: yesterday),
 * so the first dashboard of the day does not wait for them. Returns how many
 * days it stored.
 */
export async function storeRecentDays(db: Db, days = RECENT_DAYS): Promise<number> {
  const missing = rowsOf<{ day: string }>(
    await db.execute(sql`
      select to_char(d, 'YYYY-MM-DD') as day
      from generate_series((${CLOSED_BEFORE} - ${days}::int)::timestamp, (${CLOSED_BEFORE} - 1)::timestamp,
                           interval '1 day') as d
      where not exists (select 1 from metric_rollups m where m.kind = 'day' and m.day = d::date)`),
  ).map((r) => r.day);
  if (missing.length > 0) await storeDays(db, missing);
  return missing.length;
}

/**
 * The rows of a range whose start is a UTC midnight: stored rows for its
 * closed whole days (computed and stored first when missing), computed rows
 * for the rest (today, or a last day the range cuts).
 */
async function rowsFromMidnight(db: Db, range: Range, cuts: Cuts): Promise<RollupRow[]> {
  // The cut rows the page does not show stay in the database.
  const unread = [withPolicy(cuts) ? "" : "policy:", withModel(cuts) ? "" : "model:"].filter(Boolean);
  const skip = unread.length
    ? sql`and not (kind in ('runs', 'reviews', 'tickets') and key ~ ${`(^|\\|)(${unread.join("|")})`})`
    : sql``;
  for (let attempt = 0; ; attempt++) {
    // One statement, one snapshot: the day markers and the rows agree, whatever is deleted meanwhile.
    const read = rowsOf<(RawRow | { [K in keyof RawRow]: null }) & { today: string }>(
      await db.execute(sql`
        select ${dayText} as day, kind, key, values, to_char(${CLOSED_BEFORE}, 'YYYY-MM-DD') as today
        from metric_rollups where day >= ${isoDay(range.from)}::date and day < ${isoDay(range.to)}::date
          ${skip}
        union all
        select null, null, null, null, to_char(${CLOSED_BEFORE}, 'YYYY-MM-DD')`),
    );
    const today = new Date(`${read.find((r) => r.kind === null)?.today}T00:00:00Z`);
    // Whole days of the range that are over.
    const closedEnd = new Date(Math.min(startOfUtcDay(range.to).getTime(), today.getTime()));
    const closed: string[] = [];
    for (let d = range.from; d < closedEnd; d = addDays(d, 1)) closed.push(isoDay(d));
    const stored = new Set(read.flatMap((r) => (r.kind === "day" ? [r.day] : [])));
    const missing = closed.filter((d) => !stored.has(d));
    if (missing.length > 0 && attempt < 2) {
      await storeDays(db, missing);
      continue;
    }
    // Kept rows of closed days only (a day the range cuts is computed below, not read whole).
    const closedSet = new Set(closed);
    const rows: RollupRow[] = read.filter(
      (r): r is RollupRow & { today: string } => r.kind !== null && r.kind !== "day" && closedSet.has(r.day),
    );
    // Whatever is not stored (a day deleted again between storing and reading, today, a cut day) is computed.
    const notStored = missing.length > 0 ? new Date(`${missing[0]}T00:00:00Z`) : closedEnd;
    const keep = rows.filter((r) => r.day < isoDay(notStored));
    // Never before the range: a range after today starts where it starts.
    const liveFrom = new Date(Math.max(notStored.getTime(), range.from.getTime()));
    if (liveFrom < range.to) {
      keep.push(...(await computeRollupRows(db, { from: liveFrom, to: range.to }, { history: true, cuts })));
    }
    return keep;
  }
}

/**
 * The day rows a period's figures add up from. A range starting at midnight
 * reads stored days; one starting mid-day is computed whole from its records
 * without history (its distinct counts then count only its own events).
 */
export async function loadRollupRows(
  db: Db,
  range: Range,
  { cuts = "both" as Cuts } = {},
): Promise<RollupRow[]> {
  return isMidnight(range.from)
    ? rowsFromMidnight(db, range, cuts)
    : computeRollupRows(db, range, { history: false, cuts });
}
