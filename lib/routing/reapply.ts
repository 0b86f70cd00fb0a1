import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";

/** A plain Db (each chunk commits on its own) or a transaction (each chunk a savepoint in it). */
type Executor = Pick<Db, "execute" | "transaction">;

/** Where an action sits in the walk: the key of agent_actions_undecided_idx, created_at kept exact as text. */
interface Key {
  createdAt: string;
  id: string;
}

export interface Rerouted {
  /** Actions that changed group. */
  moved: number;
  /** Actions whose group or routed_by changed. */
  routed: number;
}

export interface ReapplyOptions {
  /** Undecided actions per statement (default 5,000): each chunk holds its row locks only until it commits. */
  chunkSize?: number;
}

const UNDECIDED = sql`a.status in ('pending_review', 'blocked')`;
const keyOf = (k: Key) => sql`(${k.createdAt}::timestamptz, ${k.id}::uuid)`;

/** One condition of a rule's match in SQL: absent or empty holds; otherwise the value is in the list. */
function holds(field: string, value: ReturnType<typeof sql>) {
  const list = sql`r.match -> ${sql.raw(`'${field}'`)}`;
  return sql`(coalesce(jsonb_array_length(${list}), 0) = 0 or ${list} @> jsonb_build_array(${value}))`;
}

/** The walk's end: the last undecided action now. Actions proposed later are routed by the new rules as they come. */
async function lastUndecided(db: Executor): Promise<Key | null> {
  const [row] = rowsOf<{ created_at: string; id: string }>(
    await db.execute(sql`select a.created_at::text as created_at, a.id::text as id from agent_actions a
      where ${UNDECIDED} order by a.created_at desc, a.id desc limit 1`),
  );
  return row ? { createdAt: row.created_at, id: row.id } : null;
}

/** Routes the undecided actions after `from` up to `last` in key order, at most `size` of them, in one statement. */
function routeChunk(from: Key | null, last: Key, size: number): SQL {
  const firedRules = sql`r.match -> 'firedRules'`;
  const after = from ? sql`and (a.created_at, a.id) > ${keyOf(from)}` : sql``;
  return sql`
    with chunk as (
      select a.id, a.created_at from agent_actions a
      where ${UNDECIDED} ${after} and (a.created_at, a.id) <= ${keyOf(last)}
      order by a.created_at, a.id
      limit ${size}
    ),
    def as (select id from review_groups where is_default limit 1),
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
      where a.id in (select id from chunk) and ${UNDECIDED} and a.routed_by is distinct from 'sla'
    ),
    changed as (
      update agent_actions a set group_id = target.group_id, routed_by = target.routed_by
      from target
      where a.id = target.id and ${UNDECIDED} and a.routed_by is distinct from 'sla'
        and (a.group_id is distinct from target.group_id or a.routed_by is distinct from target.routed_by)
      returning target.old_group_id is distinct from target.group_id as moved
    )
    select (select count(*) filter (where moved) from changed)::int as moved,
      (select count(*) from changed)::int as routed,
      (select count(*) from chunk)::int as taken,
      (select created_at::text from chunk order by created_at desc, id desc limit 1) as last_created_at,
      (select id::text from chunk order by created_at desc, id desc limit 1) as last_id`;
}

interface ChunkRow {
  moved: number;
  routed: number;
  taken: number;
  last_created_at: string | null;
  last_id: string | null;
}

/**
 * Routes every undecided action again (pending review or blocked), except those an SLA move
 * placed, with the same rules as routeAction (lib/routing/route-action.ts): the first enabled
 * rule by position then id whose conditions hold, else the default group. With no default group
 * (routing off) the actions leave every group. Returns how many changed group (`moved`) and how
 * many were placed anew (`routed`).
 *
 * The actions are walked in chunks in (created_at, id) order (agent_actions_undecided_idx) up to
 * the last undecided action when the walk starts, so the walk ends however many arrive meanwhile.
 * Each chunk is one statement in its own short transaction, so it holds its row locks (which a
 * reviewer's decision waits for) only until it commits. That transaction takes the routing tables
 * in share mode, which waits for a change being made (changeRouting holds them exclusively) and
 * makes a change wait for the chunk: so no chunk routed by the old rules can commit after a change,
 * and the re-route that follows each change (see change.ts) leaves every action under the rules
 * last committed. An action decided or moved by the SLA sweep while its chunk waits is left alone.
 */
export async function reapplyRouting(db: Executor, options: ReapplyOptions = {}): Promise<Rerouted> {
  const size = options.chunkSize ?? 5_000;
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`chunkSize must be a positive integer, not ${size}`);
  const total: Rerouted = { moved: 0, routed: 0 };
  const last = await lastUndecided(db);
  if (!last) return total;
  let from: Key | null = null;
  for (;;) {
    const row: ChunkRow | undefined = await db.transaction(async (tx) => {
      await tx.execute(sql`lock table review_groups, routing_rules in share mode`);
      return rowsOf<ChunkRow>(await tx.execute(routeChunk(from, last, size)))[0];
    });
    total.moved += Number(row?.moved ?? 0);
    total.routed += Number(row?.routed ?? 0);
    // A short chunk is the last; otherwise the cursor moves past the chunk, changed or not.
    if (!row || Number(row.taken) < size || !row.last_created_at || !row.last_id) return total;
    from = { createdAt: row.last_created_at, id: row.last_id };
  }
}
