import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { AppError } from "@/lib/errors";
import type { TEAMS } from "@/lib/guardrails/rules";
import { decideAction, SLA_LIMIT } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";

/**
 * Who an action past its hard limit is escalated to: the support team, the people who take
 * every escalation nobody else owns (the agent's own fallback escalates there too).
 */
export const SLA_ESCALATION_TEAM: (typeof TEAMS)[number] = "support";

export function hardLimitReason(waitedMinutes: number, limitMinutes: number): string {
  return `Waited ${waitedMinutes} minutes without review, past the hard limit of ${limitMinutes} minutes`;
}

interface Overdue {
  id: string;
  version: number;
  waited: number;
  limit: number;
}

/**
 * Undecided actions older than the hard limit of their group or of the group an SLA move took
 * them from (the shorter when both have one), oldest first, unclaimed or with an expired claim.
 */
async function pastHardLimit(db: Db, limit: number): Promise<Overdue[]> {
  const rows = rowsOf<{ id: string; version: number; waited: number; hard_limit: number }>(
    await db.execute(sql`
      select distinct on (a.id) a.id, a.version, a.created_at,
             floor(extract(epoch from now() - a.created_at) / 60)::int as waited,
             g.hard_limit_minutes as hard_limit
      from review_groups g
      cross join lateral (
        (select a.id, a.version, a.created_at from agent_actions a
          where a.group_id = g.id and a.status in ('pending_review', 'blocked')
            and a.created_at <= now() - make_interval(mins => g.hard_limit_minutes)
            and (a.claimed_by is null or a.claim_expires_at <= now())
          order by a.created_at, a.id limit ${limit})
        union all
        (select a.id, a.version, a.created_at from agent_actions a
          where a.sla_from_group_id = g.id and a.status in ('pending_review', 'blocked')
            and a.created_at <= now() - make_interval(mins => g.hard_limit_minutes)
            and (a.claimed_by is null or a.claim_expires_at <= now())
          order by a.created_at, a.id limit ${limit})
      ) a
      where g.hard_limit_minutes is not null
      order by a.id, g.hard_limit_minutes`),
  );
  return rows
    .map((r) => ({ id: r.id, version: Number(r.version), waited: Number(r.waited), limit: r.hard_limit }))
    .sort((a, b) => b.waited - a.waited)
    .slice(0, limit);
}

/**
 * Escalates every action past its hard limit to a person, as a system decision through the one
 * decision path (lib/review/decide.ts): review `system`/`escalate`, the action escalated, the
 * ticket's status settled, an audit row by the system; never an approval and nothing sent. The
 * decision's version check (and its claim check) make a second sweep, or a person deciding at
 * the same moment, win or lose cleanly: each action is escalated at most once. Returns the ids.
 */
export async function escalatePastHardLimit(db: Db, limit: number): Promise<string[]> {
  const escalated: string[] = [];
  for (const action of await pastHardLimit(db, limit)) {
    const input = decisionSchema.parse({
      decision: "escalate",
      actionId: action.id,
      version: action.version,
      team: SLA_ESCALATION_TEAM,
      reason: hardLimitReason(action.waited, action.limit),
    });
    try {
      await decideAction(db, SLA_LIMIT, input);
      escalated.push(action.id);
    } catch (error) {
      // Someone decided or claimed it first, or another sweep escalated it: nothing left to do.
      if (!(error instanceof AppError)) throw error;
    }
  }
  return escalated;
}
