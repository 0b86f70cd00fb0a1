import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { failedCheckSql, GROUNDING_CHECKS } from "@/lib/agent/chain";
import type { Range } from "./period";

/**
 * The SQL pieces every metric, chart cut and ticket link is built from, so a
 * figure and the tickets it links to can never disagree. Periods are
 * half-open, [from, to). What puts a record in a period:
 * - run figures: the run's start (agent_runs.started_at);
 * - review figures: the review's time (reviews.created_at);
 * - ticket outcomes: the decisions (reviews) made on the ticket in the period.
 */

export function at(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

export function inRange(column: SQL, range: Range): SQL {
  return sql`(${column} >= ${at(range.from)} and ${column} < ${at(range.to)})`;
}

/**
 * A reviewed action where the person agreed with the agent: approved as
 * proposed (a reply, an escalation), or escalated something the agent
 * escalated too (to the same or another team). Edits, rejections and
 * escalating a reply or a refund are disagreements.
 */
export function agreedSql(review: string): SQL {
  return sql.raw(
    `(${review}.decision = 'approve' or (${review}.decision = 'escalate' and ${review}.action_kind = 'escalation'))`,
  );
}

/** A decision that puts the ticket in a person's hands: escalating anything, or approving the agent's escalation. */
export function escalatingSql(review: string): SQL {
  return sql.raw(
    `(${review}.decision = 'escalate' or (${review}.decision = 'approve' and ${review}.action_kind = 'escalation'))`,
  );
}

/** A decision that approved a reply draft without edit: the ticket's auto-resolution. */
export function autoResolvedSql(review: string): SQL {
  return sql.raw(`(${review}.decision = 'approve' and ${review}.action_kind = 'reply')`);
}

/**
 * A reviewed reply counted as a hallucination: the reviewer tagged it
 * `hallucination`, or its run failed a grounding check (facts_grounded or
 * citations_valid) in the first round or the repair round: the agent made
 * something up in that run even when the repair then fixed it. Read from the
 * steps' typed columns, through the steps' signals index.
 */
export function hallucinatedSql(review: string): SQL {
  return sql`(${sql.raw(review)}.action_kind = 'reply' and ('hallucination' = any(${sql.raw(review)}.reason_tags) or exists (
    select 1 from agent_steps s
    where s.run_id = ${sql.raw(review)}.run_id and ${failedCheckSql("s", GROUNDING_CHECKS)})))`;
}

/**
 * One row per ticket decided in `range`: ticket_id, escalated and
 * auto_resolved. A ticket is decided in a period when a person made a
 * decision on it in that period; its outcome there comes from those
 * decisions: escalated when one of them escalated (escalatingSql),
 * auto-resolved when one approved a reply draft without edit (the issue's
 * "reply drafts approved without edit"; a ticket can be both). A ticket
 * decided on two days counts on each day (and once in a period that holds
 * both). Bounded by the period's reviews, so the cost does not grow with
 * history.
 */
export function decidedTicketsSql(range: Range): SQL {
  return sql`
    select v.ticket_id,
           bool_or(${escalatingSql("v")}) as escalated,
           bool_or(${autoResolvedSql("v")}) as auto_resolved
    from reviews v
    where ${inRange(sql`v.created_at`, range)}
    group by v.ticket_id`;
}

/**
 * The settings a dashboard statement wants, for its transaction only
 * (set_config's third argument): no JIT (compiling the plan costs 50–100 ms,
 * more than these statements run for), serial plans (the page's statements
 * already run side by side), enough work_mem for the sorts and percentiles of
 * a month to stay in memory instead of spilling to disk, and ISO dates.
 */
export const DASHBOARD_SETTINGS = sql`
  select set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true),
         set_config('work_mem', '64MB', true), set_config('datestyle', 'ISO', true)`;

/** Runs one dashboard statement in a transaction of its own, with DASHBOARD_SETTINGS. */
export async function aggregate<T>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(DASHBOARD_SETTINGS);
    return rowsOf<T>(await tx.execute(query));
  });
}
