import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { MINUTE_MS } from "./timing";

/**
 * Moves the history's timestamps to where they belong, set-based: each run
 * (with its steps and actions) to its start time, each decision (review,
 * action, delivery, audit entry) to a delay after its action was proposed,
 * never later than `now - 1 minute`.
 */
export async function backdate(
  db: Db,
  input: {
    now: Date;
    runStarts: { id: string; start: string }[];
    reviewDelays: { id: string; delay: number }[];
    /** Tickets left waiting for review, moved to arrive just before their (recent) draft. */
    arrivals: { id: string; at: string }[];
  },
) {
  if (input.runStarts.length === 0) return;
  const latest = new Date(input.now.getTime() - MINUTE_MS).toISOString();
  const runs = JSON.stringify(input.runStarts);
  const delays = JSON.stringify(input.reviewDelays);
  const arrivals = JSON.stringify(input.arrivals);
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      create temp table demo_shift on commit drop as
      select r.id, r.ticket_id, x.start - r.started_at as shift
      from jsonb_to_recordset(${runs}::jsonb) as x(id uuid, start timestamptz)
      join agent_runs r on r.id = x.id`);
    await tx.execute(sql`
      update agent_steps s set created_at = s.created_at + d.shift
      from demo_shift d where s.run_id = d.id`);
    await tx.execute(sql`
      update agent_actions a set created_at = a.created_at + d.shift
      from demo_shift d where a.run_id = d.id`);
    await tx.execute(sql`
      update agent_runs r set started_at = r.started_at + d.shift, ended_at = r.ended_at + d.shift,
             cache_key = null
      from demo_shift d where r.id = d.id`);
    await tx.execute(sql`
      create temp table demo_decided on commit drop as
      select a.id, a.created_at as proposed_at,
             least(a.created_at + make_interval(secs => x.delay / 1000.0), ${latest}::timestamptz) as at
      from jsonb_to_recordset(${delays}::jsonb) as x(id uuid, delay float8)
      join agent_actions a on a.id = x.id`);
    await tx.execute(sql`
      update agent_actions a set decided_at = d.at from demo_decided d where a.id = d.id`);
    await tx.execute(sql`
      update reviews v set created_at = d.at, proposed_at = d.proposed_at, demo = true
      from demo_decided d where v.action_id = d.id`);
    // History was delivered long ago: recorded as sent on the log channel, never sent anywhere now.
    await tx.execute(sql`
      update outbox o set created_at = d.at, sent_at = d.at + interval '1 minute', status = 'sent',
             attempts = 1, channel = 'log'
      from demo_decided d where o.action_id = d.id`);
    await tx.execute(sql`
      update audit_log l set created_at = d.at
      from demo_decided d where l.entity_type = 'agent_action' and l.entity_id = d.id::text`);
    await tx.execute(sql`
      update tickets t set created_at = x.at
      from jsonb_to_recordset(${arrivals}::jsonb) as x(id uuid, at timestamptz) where t.id = x.id`);
    await tx.execute(sql`
      update tickets t set updated_at = coalesce(
        (select max(v.created_at) from reviews v where v.ticket_id = t.id),
        (select max(r.ended_at) from agent_runs r where r.ticket_id = t.id))
      where t.id in (select ticket_id from demo_shift)`);
  });
}
