import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import type { Range } from "./period";

/**
 * The SQL pieces every metric, chart cut and ticket link is built from, so a
 * figure and the tickets it links to can never disagree. Periods are
 * half-open, [from, to). What puts a record in a period:
 * - run figures: the run's start (agent_runs.started_at);
 * - review figures: the review's time (reviews.created_at);
 * - ticket outcomes: the ticket's last review (its decision time).
 */

export function at(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

export function inRange(column: SQL, range: Range): SQL {
  return sql`(${column} >= ${at(range.from)} and ${column} < ${at(range.to)})`;
}

/** The checks whose failure means the draft stated something its tools did not return. */
export const GROUNDING_CHECKS = ["facts_grounded", "citations_valid"] as const;

/**
 * Runs with a failed grounding check (facts_grounded or citations_valid), in
 * the first round or the repair round ("repair: facts_grounded"): the agent
 * made something up in that run even when the repair then fixed it.
 */
export const FAILED_GROUNDING_RUNS = sql`
  select distinct run_id from agent_steps
  where kind = 'verification' and output->>'passed' = 'false'
    and name in ('facts_grounded', 'citations_valid', 'repair: facts_grounded', 'repair: citations_valid')`;

/**
 * A reviewed action where the person agreed with the agent: approved as
 * proposed (a reply, an escalation), or escalated something the agent
 * escalated too (to the same or another team). Edits, rejections and
 * escalating a reply or a refund are disagreements.
 */
export function agreedSql(review: string, action: string): SQL {
  return sql.raw(
    `(${review}.decision = 'approve' or (${review}.decision = 'escalate' and ${action}.kind = 'escalation'))`,
  );
}

/** A decision that puts the ticket in a person's hands: escalating anything, or approving the agent's escalation. */
export function escalatingSql(review: string, action: string): SQL {
  return sql.raw(
    `(${review}.decision = 'escalate' or (${review}.decision = 'approve' and ${action}.kind = 'escalation'))`,
  );
}

/**
 * A reviewed reply counted as a hallucination: its run failed grounding
 * verification, or the reviewer tagged it `hallucination`. `groundingRun` is
 * the column that is not null when the run is in FAILED_GROUNDING_RUNS.
 */
export function hallucinatedSql(review: string, groundingRun: string): SQL {
  return sql.raw(`('hallucination' = any(${review}.reason_tags) or ${groundingRun} is not null)`);
}

/**
 * One row per ticket whose decision time (its last review) falls in `range`:
 * ticket_id, decided_at, escalated (any of its reviews escalated, see
 * escalatingSql), auto_resolved (a reply approved without edit and nothing
 * escalated), and `cut` (the model or policy of the run whose action got the
 * last review) when asked for. Reviews are read for tickets touched in the
 * range only, but all of such a ticket's reviews count.
 */
export function decidedTicketsSql(range: Range, cut?: SQL): SQL {
  return sql`
    select v.ticket_id, max(v.created_at) as decided_at,
           bool_or(${escalatingSql("v", "a")}) as escalated,
           bool_or(v.decision = 'approve' and a.kind = 'reply') and not bool_or(${escalatingSql("v", "a")})
             as auto_resolved
           ${cut ? sql`, (array_agg(${cut} order by v.created_at desc, v.id desc))[1] as cut` : sql``}
    from reviews v
    join agent_actions a on a.id = v.action_id
    ${cut ? sql`join agent_runs r on r.id = a.run_id left join policy_versions p on p.id = r.policy_version_id` : sql``}
    where v.ticket_id in (select ticket_id from reviews where ${inRange(sql`created_at`, range)})
    group by v.ticket_id
    having ${inRange(sql`max(v.created_at)`, range)}`;
}

/**
 * Runs one dashboard aggregate with the settings it wants, for this
 * transaction only: no JIT (compiling the plan costs 50–100 ms, more than
 * these queries run for) and enough work_mem for the grouping-set sorts and
 * percentiles of a month of runs to stay in memory instead of spilling to disk.
 */
export async function aggregate<T>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local work_mem = '64MB'`);
    return rowsOf<T>(await tx.execute(query));
  });
}
