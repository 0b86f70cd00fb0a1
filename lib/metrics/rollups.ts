import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { addDays, isoDay, type Range, startOfUtcDay } from "./period";
import {
  aggregate,
  agreedSql,
  DASHBOARD_SETTINGS, escalatingSql, FAILED_GROUNDING_RUNS, hallucinatedSql, inRange } from "./sql";

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
 * - `rule` (key: rule id): fired, blocks, forced escalations, overrides;
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
/** A ticket's earlier event further back than this can never be inside a period with this day (periods are <= 366 days). */
const LOOKBACK_DAYS = 367;

const day = (column: string) => sql.raw(`(${column} at time zone 'UTC')::date`);

/** The cut keys a run or review counts under: everything, its policy version, its model. */
const cutKeys = (row: string) =>
  sql.raw(`array['all', 'policy:' || coalesce(p.version::text, 'none'), 'model:' || ${row}.model]`);
const policyJoin = (row: string) => sql.raw(`left join policy_versions p on p.id = ${row}.policy_version_id`);
const cutKey = sql`case when grouping(p.version) = 0 then 'policy:' || coalesce(p.version::text, 'none')
                        when grouping(b.model) = 0 then 'model:' || b.model else 'all' end`;
const cutSets = sql`grouping sets ((b.day), (b.day, p.version), (b.day, b.model))`;

/** Runs started in the range, by day and cut. */
function runRows(range: Range): SQL {
  return sql`
    select b.day, 'runs' as kind, ${cutKey} as key, jsonb_build_object(
      'runs', count(*), 'runsWithReply', count(*) filter (where b.with_reply),
      'costMicroUsd', coalesce(sum(b.cost), 0), 'tokens', coalesce(sum(b.tokens), 0),
      'latencyMs', percentile_cont(array[0.5, 0.95]) within group (order by b.latency_ms)) as values
    from (
      select r.policy_version_id, r.model, r.cost_micro_usd as cost, r.input_tokens + r.output_tokens as tokens,
             r.latency_ms, ${day("r.started_at")} as day,
             exists (select 1 from agent_actions a
                     where a.run_id = r.id and a.kind = 'reply' and a.blocked_by is null) as with_reply
      from agent_runs r
      where ${inRange(sql`r.started_at`, range)} and r.status <> 'running'
    ) b
    ${policyJoin("b")}
    group by ${cutSets}`;
}

/** Reviews made in the range, by day and cut. */
function reviewRows(range: Range): SQL {
  return sql`
    select b.day, 'reviews' as kind, ${cutKey} as key, jsonb_build_object(
      'reviewedActions', count(*), 'agreedActions', count(*) filter (where b.agreed),
      'reviewedReplies', count(*) filter (where b.kind = 'reply'),
      'edits', count(*) filter (where b.decision = 'edit'),
      'editDistanceSum', coalesce(sum(b.edit_distance) filter (where b.decision = 'edit'), 0),
      'hallucinatedReplies', count(*) filter (where b.kind = 'reply' and b.hallucinated),
      'waitSeconds', percentile_cont(array[0.5, 0.95]) within group (order by b.wait)) as values
    from (
      select v.policy_version_id, v.model, v.decision, v.edit_distance, v.action_kind as kind,
             ${agreedSql("v")} as agreed, ${hallucinatedSql("v", "g.run_id")} as hallucinated,
             date_part('epoch', v.created_at - v.proposed_at) as wait, ${day("v.created_at")} as day
      from reviews v
      left join (${FAILED_GROUNDING_RUNS}) g on g.run_id = v.run_id
      where ${inRange(sql`v.created_at`, range)}
    ) b
    ${policyJoin("b")}
    group by ${cutSets}`;
}

/**
 * Per guardrail rule and day of the run's start: guardrail steps recorded
 * under it, proposals it blocked, escalations it forced, and of those the
 * ones a reviewer rejected.
 */
function ruleRows(range: Range): SQL {
  const started = inRange(sql`r.started_at`, range);
  return sql`
    select x.day, 'rule' as kind, x.rule as key, jsonb_build_object(
      'fired', sum(x.fired), 'blocks', sum(x.blocks), 'forcedEscalations', sum(x.forced),
      'overrides', sum(x.overrides)) as values
    from (
      select ${day("r.started_at")} as day, s.name as rule, 1 as fired, 0 as blocks, 0 as forced, 0 as overrides
      from agent_steps s join agent_runs r on r.id = s.run_id
      where s.kind = 'guardrail' and ${started}
      union all
      select ${day("r.started_at")}, a.blocked_by, 0, 1, 0, 0
      from agent_actions a join agent_runs r on r.id = a.run_id
      where a.blocked_by is not null and a.blocked_by not like 'verify:%' and ${started}
      union all
      select ${day("r.started_at")}, e.rule, 0, 0, 1, (a.status = 'rejected')::int
      from agent_actions a
      join agent_runs r on r.id = a.run_id
      cross join lateral jsonb_array_elements_text(
        case when jsonb_typeof(a.payload->'ruleIds') = 'array' then a.payload->'ruleIds' else '[]'::jsonb end
      ) as e(rule)
      where a.kind = 'escalation' and ${started}
    ) x
    group by x.day, x.rule`;
}

/** Reviews per reason tag and day; failed verification steps per check (repair round folded in) and day. */
function reasonAndCheckRows(range: Range): SQL {
  return sql`
    select ${day("v.created_at")} as day, 'reason' as kind, tag as key, jsonb_build_object('reviews', count(*)) as values
    from reviews v cross join lateral unnest(v.reason_tags) as tag
    where ${inRange(sql`v.created_at`, range)} and cardinality(v.reason_tags) > 0
    group by 1, tag
    union all
    select ${day("r.started_at")}, 'check', regexp_replace(s.name, '^repair: ', ''),
           jsonb_build_object('failures', count(*))
    from agent_steps s join agent_runs r on r.id = s.run_id
    where s.kind = 'verification' and s.output->>'passed' = 'false' and ${inRange(sql`r.started_at`, range)}
    group by 1, 3`;
}

/**
 * The ticket events of every distinct-ticket count, as (ticket, time, chain|cut):
 * finished runs (drafted), failed checks, decisions (decided, escalated,
 * auto-resolved, by cut) and reason tags. `where` bounds each source by its
 * time column and ticket column.
 */
function ticketEvents(where: (time: SQL, ticket: SQL) => SQL): SQL {
  return sql`
    select r.ticket_id, r.started_at as at, 'drafted|' || c.cut as key
    from agent_runs r ${policyJoin("r")} cross join lateral unnest(${cutKeys("r")}) as c(cut)
    where r.status <> 'running' and ${where(sql`r.started_at`, sql`r.ticket_id`)}
    union all
    select r.ticket_id, r.started_at, 'check:' || regexp_replace(s.name, '^repair: ', '') || '|all'
    from agent_steps s join agent_runs r on r.id = s.run_id
    where s.kind = 'verification' and s.output->>'passed' = 'false' and ${where(sql`r.started_at`, sql`r.ticket_id`)}
    union all
    select v.ticket_id, v.created_at, ch.chain || '|' || c.cut
    from reviews v ${policyJoin("v")}
    cross join lateral unnest(array['decided']
      || case when ${escalatingSql("v")} then array['escalated'] else '{}'::text[] end
      || case when v.decision = 'approve' and v.action_kind = 'reply' then array['autoResolved'] else '{}'::text[] end
    ) as ch(chain)
    cross join lateral unnest(${cutKeys("v")}) as c(cut)
    where ${where(sql`v.created_at`, sql`v.ticket_id`)}
    union all
    select v.ticket_id, v.created_at, 'reason:' || tag || '|all'
    from reviews v cross join lateral unnest(v.reason_tags) as tag
    where cardinality(v.reason_tags) > 0 and ${where(sql`v.created_at`, sql`v.ticket_id`)}`;
}

/**
 * `tickets` rows of the range: each ticket of a day, by the days since its
 * previous event of the same chain and cut. With `history`, events before the
 * range count (up to 367 days back), so stored days compose into any period;
 * without, only the range's own events do (for a period that starts mid-day).
 */
function ticketRows(range: Range, history: boolean): SQL {
  const before: Range = { from: addDays(range.from, -LOOKBACK_DAYS), to: range.from };
  const previous = history
    ? sql`select e.key, e.ticket_id, max(${day("e.at")}) as day
          from (${ticketEvents(
            (time, ticket) => sql`${inRange(time, before)} and ${ticket} in (select ticket_id from cur)`,
          )}) e
          group by 1, 2`
    : sql`select null::text as key, null::uuid as ticket_id, null::date as day where false`;
  return sql`
    with cur as materialized (
      select e.key, e.ticket_id, ${day("e.at")} as day
      from (${ticketEvents((time) => inRange(time, range))}) e
      group by 1, 2, 3),
    prev as (${previous}),
    gaps as (
      select c.key, c.day,
             c.day - coalesce(lag(c.day) over (partition by c.key, c.ticket_id order by c.day), p.day) as gap
      from cur c left join prev p on p.key = c.key and p.ticket_id = c.ticket_id),
    counted as (
      select key, day, case when gap is null or gap > 366 then 'new' else gap::text end as gap, count(*) as n
      from gaps group by 1, 2, 3)
    select day, 'tickets' as kind, key, jsonb_object_agg(gap, n) as values
    from counted group by day, key`;
}

/** Every rollup row of the range, computed from the records. */
function rollupRowsSql(range: Range, history: boolean): SQL {
  return sql`
    select day, kind, key, values from (${runRows(range)}) runs
    union all select day, kind, key, values from (${reviewRows(range)}) reviews
    union all select day, kind, key, values from (${ruleRows(range)}) rules
    union all select day, kind, key, values from (${reasonAndCheckRows(range)}) reasons_checks
    union all select day, kind, key, values from (${ticketRows(range, history)}) tickets`;
}

/** A row as read: `kind` "day" marks a stored day. */
type RawRow = Omit<RollupRow, "kind"> & { kind: RollupRow["kind"] | "day" };

/** Computes the range's rows from the records (nothing stored). */
export async function computeRollupRows(db: Db, range: Range, history: boolean): Promise<RollupRow[]> {
  return aggregate<RollupRow>(
    db,
    sql`select day::text as day, kind, key, values from (${rollupRowsSql(range, history)}) r`,
  );
}

const isMidnight = (date: Date) => date.getTime() === startOfUtcDay(date).getTime();

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
          select day::text as day from metric_rollups
          where kind = 'day' and day = any(${`{${days.join(",")}}`}::date[])`),
      ).map((r) => r.day),
    );
    for (const span of spans(days.filter((d) => !stored.has(d)))) {
      await tx.execute(sql`
        insert into metric_rollups (day, kind, key, values)
        ${rollupRowsSql(span, true)}
        union all
        select d::date, 'day', '', '{}'::jsonb
        from generate_series(${span.from.toISOString()}::timestamptz, ${addDays(span.to, -1).toISOString()}::timestamptz,
                             interval '1 day') as d`);
    }
  });
}

/**
 * The rows of a range whose start is a UTC midnight: stored rows for its
 * closed whole days (computed and stored first when missing), computed rows
 * for the rest (today, or a last day the range cuts).
 */
async function rowsFromMidnight(db: Db, range: Range): Promise<RollupRow[]> {
  for (let attempt = 0; ; attempt++) {
    // One statement, one snapshot: the day markers and the rows agree, whatever is deleted meanwhile.
    const read = rowsOf<(RawRow | { [K in keyof RawRow]: null }) & { today: string }>(
      await db.execute(sql`
        select day::text as day, kind, key, values, (now() at time zone 'UTC')::date::text as today
        from metric_rollups where day >= ${isoDay(range.from)}::date and day < ${isoDay(range.to)}::date
        union all
        select null, null, null, null, (now() at time zone 'UTC')::date::text`),
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
    if (notStored < range.to) {
      keep.push(...(await computeRollupRows(db, { from: notStored, to: range.to }, true)));
    }
    return keep;
  }
}

/**
 * The day rows a period's figures add up from. A range starting at midnight
 * reads stored days; one starting mid-day is computed whole from its records
 * without history (its distinct counts then count only its own events).
 */
export async function loadRollupRows(db: Db, range: Range): Promise<RollupRow[]> {
  return isMidnight(range.from) ? rowsFromMidnight(db, range) : computeRollupRows(db, range, false);
}
