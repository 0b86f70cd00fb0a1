import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { DEMO_AUTOPILOT_INTENT } from "./autopilot-evidence";

/** The demo's batch: order-tracking tickets ("where is my order?") whose drafts wait for review together. */
export const DEMO_BATCH_PREFIX = "wismo-";
const MINUTE_MS = 60_000;

/**
 * Adds `size` pending order-tracking reply drafts that read alike, so batch review
 * (/queue/batches) has a batch to show on first start. Each is a new demo ticket (external id
 * `wismo-001`, …) copied from a decided order-tracking ticket of the demo history:
 * the same customer, message and triage reading, its run and steps, and its reply, now waiting
 * for review. They are the newest actions in the queue (the last `size` minutes before `now`),
 * so the queue's oldest-first order and Next are unchanged for everything else. Routed to the
 * default review group when routing is on. Once any `wismo-` ticket exists, a call does nothing.
 * Returns how many drafts it added.
 */
export async function buildPendingBatch(
  db: Db,
  options: { size?: number; now?: Date } = {},
): Promise<number> {
  const size = options.size ?? 24;
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const [built] = rowsOf<{ one: number }>(
      await tx.execute(
        sql`select 1 as one from tickets where external_id like ${`${DEMO_BATCH_PREFIX}%`} limit 1`,
      ),
    );
    if (built) return 0;
    // One source per customer where possible: the decided reply drafts of the demo's order-tracking tickets.
    const sources = rowsOf<{ ticketId: string; runId: string; actionId: string }>(
      await tx.execute(sql`
        select ticket_id as "ticketId", run_id as "runId", action_id as "actionId" from (
          select distinct on (t.from_email) t.id as ticket_id, a.run_id, a.id as action_id, t.from_email
          from tickets t
          join agent_actions a on a.ticket_id = t.id and a.kind = 'reply' and a.decided_at is not null
          where t.demo and t.triage_intent = ${DEMO_AUTOPILOT_INTENT}
            and t.external_id not like ${`${DEMO_BATCH_PREFIX}%`}
          order by t.from_email, t.created_at, a.id
        ) s order by from_email
        limit ${size}`),
    );
    if (sources.length === 0) return 0;
    const [group] = rowsOf<{ id: string }>(
      await tx.execute(sql`select id from review_groups where is_default`),
    );
    for (let i = 0; i < size; i++) {
      const source = sources[i % sources.length];
      if (!source) break;
      const ticketId = randomUUID();
      const runId = randomUUID();
      const at = new Date(now.getTime() - (size - i) * MINUTE_MS).toISOString();
      await tx.execute(sql`
        insert into tickets (id, external_id, customer_id, from_email, subject, body, channel, status, intent,
                             priority, metadata, triage_intent, triage_category, triage_confidence, demo,
                             created_at, updated_at)
        select ${ticketId}::uuid, ${`${DEMO_BATCH_PREFIX}${String(i + 1).padStart(3, "0")}`}, customer_id, from_email, subject, body,
               channel, 'awaiting_review', intent, priority, metadata, triage_intent, triage_category,
               triage_confidence, true, ${at}::timestamptz, ${at}::timestamptz
        from tickets where id = ${source.ticketId}::uuid`);
      await tx.execute(sql`
        insert into agent_runs (id, ticket_id, policy_version_id, status, model, route_rule, shape, input_tokens,
                                output_tokens, cost_micro_usd, latency_ms, demo, started_at, ended_at,
                                lease_expires_at)
        select ${runId}::uuid, ${ticketId}::uuid, policy_version_id, status, model, route_rule, shape,
               input_tokens, output_tokens, cost_micro_usd, latency_ms, true, ${at}::timestamptz,
               ${at}::timestamptz, ${at}::timestamptz
        from agent_runs where id = ${source.runId}::uuid`);
      await tx.execute(sql`
        insert into agent_steps (run_id, seq, kind, name, check_name, round, passed, budget, scope, parent_scope,
                                 input, output, model, input_tokens, output_tokens, cost_micro_usd, latency_ms,
                                 created_at)
        select ${runId}::uuid, seq, kind, name, check_name, round, passed, budget, scope, parent_scope, input,
               output, model, input_tokens, output_tokens, cost_micro_usd, latency_ms, ${at}::timestamptz
        from agent_steps where run_id = ${source.runId}::uuid`);
      await tx.execute(sql`
        insert into agent_actions (run_id, ticket_id, kind, status, payload, group_id, routed_by, created_at)
        select ${runId}::uuid, ${ticketId}::uuid, kind, 'pending_review', payload,
               ${group?.id ?? null}::uuid, ${group ? "default" : null}, ${at}::timestamptz
        from agent_actions where id = ${source.actionId}::uuid`);
    }
    return size;
  });
}
