import { type SQL, sql } from "drizzle-orm";

/**
 * The one definition of the per-rule "fired" figure, used by the Metrics page
 * (per period, from the daily rollups) and the Policies page (over all
 * history): the number of runs in which the rule fired. A rule fires in a run
 * when the run recorded a guardrail step named after it (an escalation it
 * required, a tool call it refused) or proposed an action it blocked. A rule
 * that refuses three tool calls in one run fired in one run; its blocks and
 * forced escalations are counted beside it, per action.
 *
 * `steps` and `actions` are relations (table names, CTEs or subqueries) with
 * the columns `run_id`, `day` and, respectively, `kind`, `name` and
 * `blocked_by`. Returns one row per (day, rule_id, run_id) in which the rule
 * fired; counting the rows per rule gives the figure, and since every row of
 * a run has the run's day, the days of a period add up to its distinct runs.
 */
export function ruleFiringsSql(steps: SQL, actions: SQL): SQL {
  return sql`
    select distinct firing.day, firing.rule_id, firing.run_id from (
      select s.day, s.name as rule_id, s.run_id from ${steps} s where s.kind = 'guardrail'
      union all
      select a.day, a.blocked_by, a.run_id from ${actions} a
        where a.blocked_by is not null and a.blocked_by not like 'verify:%'
    ) firing`;
}

/** What a rule's figures say in words, the same on both pages. */
export function firedSummary(figures: {
  firedRuns: number;
  blocks: number;
  forcedEscalations: number;
}): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    `Fired in ${plural(figures.firedRuns, "run", "runs")}`,
    `blocked ${plural(figures.blocks, "action", "actions")}`,
    `forced ${plural(figures.forcedEscalations, "escalation", "escalations")}`,
  ].join(" · ");
}
