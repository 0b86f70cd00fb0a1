import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";

type Executor = Pick<Db, "execute">;

/** One condition of a rule's match in SQL: absent or empty holds; otherwise the value is in the list. */
function holds(field: string, value: ReturnType<typeof sql>) {
  const list = sql`r.match -> ${sql.raw(`'${field}'`)}`;
  return sql`(coalesce(jsonb_array_length(${list}), 0) = 0 or ${list} @> jsonb_build_array(${value}))`;
}

/**
 * Routes every undecided action again (pending review or blocked), except those an SLA move
 * placed, with the same rules as routeAction (lib/routing/route-action.ts) in one statement:
 * the first enabled rule by position whose conditions hold, else the default group. With no
 * default group (routing off) the actions leave every group. Returns how many changed group.
 */
export async function reapplyRouting(db: Executor): Promise<{ moved: number; routed: number }> {
  const firedRules = sql`r.match -> 'firedRules'`;
  const result = await db.execute(sql`
    with def as (select id from review_groups where is_default limit 1),
    target as (
      select a.id, a.group_id as old_group_id,
        case when (select id from def) is null then null else coalesce(m.group_id, (select id from def)) end as group_id,
        case when (select id from def) is null then null
             when m.rule_id is null then 'default' else 'rule:' || m.rule_id end as routed_by
      from agent_actions a
      join tickets t on t.id = a.ticket_id
      left join customers c on c.id = t.customer_id
      left join lateral (
        select r.id as rule_id, r.group_id from routing_rules r
        where r.enabled
          and ${holds("kinds", sql`a.kind`)}
          and ${holds("teams", sql`case when a.kind = 'escalation' then a.payload ->> 'team' end`)}
          and ${holds("categories", sql`t.triage_category`)}
          and ${holds("intents", sql`t.triage_intent`)}
          and ${holds("tiers", sql`c.tier`)}
          and (coalesce(jsonb_array_length(${firedRules}), 0) = 0
            or (a.blocked_by not like 'verify:%' and ${firedRules} @> jsonb_build_array(a.blocked_by))
            or exists (select 1 from agent_steps s where s.run_id = a.run_id and s.kind = 'guardrail'
                         and ${firedRules} @> jsonb_build_array(s.name)))
        order by r.position, r.id
        limit 1
      ) m on true
      where a.status in ('pending_review', 'blocked') and a.routed_by is distinct from 'sla'
    ),
    changed as (
      update agent_actions a set group_id = target.group_id, routed_by = target.routed_by
      from target
      where a.id = target.id
        and (a.group_id is distinct from target.group_id or a.routed_by is distinct from target.routed_by)
      returning target.old_group_id is distinct from target.group_id as moved
    )
    select count(*) filter (where moved)::int as moved, count(*)::int as routed from changed`);
  const [row] = rowsOf<{ moved: number; routed: number }>(result);
  return { moved: Number(row?.moved ?? 0), routed: Number(row?.routed ?? 0) };
}
