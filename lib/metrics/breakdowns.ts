import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import type { Range } from "./period";
import { aggregate, inRange } from "./sql";

export interface RuleFigures {
  ruleId: string;
  /** The rule's name in the newest policy version that has it (or a description of a built-in step). */
  name: string;
  /** Guardrail steps recorded under the rule: one per blocked tool call or required escalation. */
  fired: number;
  /** Proposals the rule blocked (kept as blocked actions for a person). */
  blocks: number;
  /** Escalations proposed because the rule required them (the rule id is in payload.ruleIds). */
  forcedEscalations: number;
  /** Of those, the ones a reviewer rejected: the person overrode the rule's escalation. */
  overrides: number;
}

/** Guardrail steps that are not rules of a policy. */
const BUILT_IN_STEPS: Record<string, string> = {
  "verification-escalation": "Escalated after verification failed twice",
  "policy-invalid": "Published policy failed to load (fail closed)",
};

/**
 * Per guardrail rule, for runs that started in the period. A rule that never
 * fired, blocked or forced anything in the period is not listed.
 */
export async function loadRuleFigures(db: Db, range: Range): Promise<RuleFigures[]> {
  const started = inRange(sql`r.started_at`, range);
  const rows = await aggregate<Omit<RuleFigures, "name"> & { name: string | null }>(
    db,
    sql`
      with fired as (
        select s.name as rule, count(*)::int as n
        from agent_steps s join agent_runs r on r.id = s.run_id
        where s.kind = 'guardrail' and ${started}
        group by s.name),
      blocks as (
        select a.blocked_by as rule, count(*)::int as n
        from agent_actions a join agent_runs r on r.id = a.run_id
        where a.blocked_by is not null and a.blocked_by not like 'verify:%' and ${started}
        group by a.blocked_by),
      forced as (
        select x.rule, count(*)::int as n, count(*) filter (where a.status = 'rejected')::int as overrides
        from agent_actions a
        join agent_runs r on r.id = a.run_id
        cross join lateral jsonb_array_elements_text(
          case when jsonb_typeof(a.payload->'ruleIds') = 'array' then a.payload->'ruleIds' else '[]'::jsonb end
        ) as x(rule)
        where a.kind = 'escalation' and ${started}
        group by x.rule),
      names as (
        select distinct on (r->>'id') r->>'id' as rule, r->>'name' as name
        from policy_versions pv cross join lateral jsonb_array_elements(pv.rules) as r
        where jsonb_typeof(pv.rules) = 'array'
        order by r->>'id', pv.version desc)
      select k.rule as "ruleId", n.name,
             coalesce(f.n, 0)::int as fired, coalesce(b.n, 0)::int as blocks,
             coalesce(e.n, 0)::int as "forcedEscalations", coalesce(e.overrides, 0)::int as overrides
      from (select rule from fired union select rule from blocks union select rule from forced) k
      left join fired f on f.rule = k.rule
      left join blocks b on b.rule = k.rule
      left join forced e on e.rule = k.rule
      left join names n on n.rule = k.rule
      order by fired desc, "forcedEscalations" desc, blocks desc, k.rule`,
  );
  return rows.map((r) => ({
    ruleId: r.ruleId,
    name: r.name ?? BUILT_IN_STEPS[r.ruleId] ?? r.ruleId,
    fired: Number(r.fired),
    blocks: Number(r.blocks),
    forcedEscalations: Number(r.forcedEscalations),
    overrides: Number(r.overrides),
  }));
}

export interface ReasonCount {
  tag: string;
  /** Reviews in the period carrying the tag. */
  reviews: number;
  /** Distinct tickets those reviews are on. */
  tickets: number;
}

/** The reason tags reviewers gave most often in the period (by review time), most frequent first. */
export async function loadTopReasons(db: Db, range: Range, limit = 8): Promise<ReasonCount[]> {
  const rows = await aggregate<ReasonCount>(
    db,
    sql`
      select tag, count(*)::int as reviews, count(distinct v.ticket_id)::int as tickets
      from reviews v cross join lateral unnest(v.reason_tags) as tag
      -- Most reviews carry no tag: skip them before unnesting (reason_tags is in reviews_metrics_idx).
      where ${inRange(sql`v.created_at`, range)} and cardinality(v.reason_tags) > 0
      group by tag
      order by reviews desc, tag
      limit ${limit}`,
  );
  return rows.map((r) => ({ tag: r.tag, reviews: Number(r.reviews), tickets: Number(r.tickets) }));
}

export interface CheckCount {
  /** The verification check, repair round folded in ("repair: facts_grounded" counts as facts_grounded). */
  check: string;
  /** Failed verification steps. */
  failures: number;
  /** Distinct tickets whose runs failed it. */
  tickets: number;
}

/** The verification checks that failed most in runs that started in the period. */
export async function loadFailingChecks(db: Db, range: Range, limit = 8): Promise<CheckCount[]> {
  const rows = await aggregate<CheckCount>(
    db,
    sql`
      select regexp_replace(s.name, '^repair: ', '') as "check", count(*)::int as failures,
             count(distinct r.ticket_id)::int as tickets
      from agent_steps s join agent_runs r on r.id = s.run_id
      where s.kind = 'verification' and s.output->>'passed' = 'false' and ${inRange(sql`r.started_at`, range)}
      group by 1
      order by failures desc, 1
      limit ${limit}`,
  );
  return rows.map((r) => ({ check: r.check, failures: Number(r.failures), tickets: Number(r.tickets) }));
}
