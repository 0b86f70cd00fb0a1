import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";

/** Audit actions of the SLA move: moved to the overflow group, or flagged where there is none. */
export const SLA_MOVED = "action.sla_moved";
export const SLA_FLAGGED = "action.sla_flagged";

export interface SlaMove {
  actionId: string;
  fromGroupId: string;
  /** The overflow group it moved to; null when its group has none (it stays, flagged). */
  toGroupId: string | null;
}

/**
 * Moves undecided actions older than their group's SLA target (age from the proposal, not from
 * any earlier move) to the group's overflow group, flagged (`sla_breached_at`, `routed_by =
 * 'sla'`, the group it came from kept); without an overflow group they stay and are flagged.
 * One statement: the oldest `limit` overdue actions, locked with SKIP LOCKED so two sweeps never
 * take the same row, moved only while still unflagged (a second sweep finds nothing to do), and
 * each move audited. An action someone holds a live claim on is left to them: a person is on it.
 */
export async function moveOverdueActions(db: Db, limit: number): Promise<SlaMove[]> {
  const rows = rowsOf<{ action_id: string; from_group_id: string; to_group_id: string | null }>(
    await db.execute(sql`
      with due as (
        select a.id, g.id as from_group_id, g.overflow_group_id as to_group_id, g.sla_minutes
        from review_groups g
        cross join lateral (
          select a.id, a.created_at from agent_actions a
          where a.group_id = g.id and a.status in ('pending_review', 'blocked')
            and a.created_at <= now() - make_interval(mins => g.sla_minutes)
            and a.sla_breached_at is null
            and (a.claimed_by is null or a.claim_expires_at <= now())
          order by a.created_at, a.id
          limit ${limit}
          for update of a skip locked
        ) a
        where g.sla_minutes is not null
        order by a.created_at, a.id
        limit ${limit}
      ), moved as (
        update agent_actions a
        set group_id = coalesce(due.to_group_id, a.group_id),
            routed_by = case when due.to_group_id is null then a.routed_by else 'sla' end,
            sla_from_group_id = case when due.to_group_id is null then a.sla_from_group_id else due.from_group_id end,
            sla_breached_at = now()
        from due
        where a.id = due.id and a.sla_breached_at is null
        returning a.id, a.ticket_id, a.created_at, due.from_group_id, due.to_group_id, due.sla_minutes
      ), audited as (
        insert into audit_log (actor_type, action, entity_type, entity_id, data)
        select 'system',
               case when m.to_group_id is null then ${SLA_FLAGGED} else ${SLA_MOVED} end,
               'agent_action', m.id::text,
               jsonb_build_object(
                 'ticketId', m.ticket_id, 'fromGroupId', m.from_group_id, 'toGroupId', m.to_group_id,
                 'slaMinutes', m.sla_minutes,
                 'waitedMinutes', floor(extract(epoch from now() - m.created_at) / 60)::int)
        from moved m
      )
      select id as action_id, from_group_id, to_group_id from moved`),
  );
  return rows.map((r) => ({ actionId: r.action_id, fromGroupId: r.from_group_id, toGroupId: r.to_group_id }));
}
