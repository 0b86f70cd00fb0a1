import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";

/** Clones are spread over the 30 days before `now`. */
const WINDOW_SECONDS = 30 * 24 * 3600;

/** A decided demo ticket that clones are made of, with where its reviews start in a round. */
export interface AmplifySource {
  id: string;
  createdAt: string;
  reviews: number;
  /** Reviews of the sources before this one in a round (single-review tickets first). */
  before: number;
  /** Seconds from the ticket's arrival to the last event of its history. */
  span: number;
}

/** Clone rounds `round` to `round + rounds - 1`, adding at most `remaining` reviews. */
export interface CloneBatch {
  round: number;
  rounds: number;
  remaining: number;
}

/** What every batch shares. */
export interface CloneContext {
  /** The sources (AmplifySource[]) as JSON, serialised once for all batches. */
  sourceJson: string;
  /** Reviews one round adds: the sum of the sources' reviews. */
  perRound: number;
  /** The end of the window, as an ISO timestamp. */
  now: string;
  withSteps: boolean;
}

/** Rows a batch wrote, per table. */
export interface CloneCounts {
  tickets: number;
  runs: number;
  steps: number;
  actions: number;
  reviews: number;
}

/**
 * Writes one batch of clones in the caller's transaction: copies of the source rows in temp tables,
 * one row per clone with its id and time shift (amp_map), then one INSERT ... SELECT per table.
 */
export async function cloneRounds(
  tx: Pick<Db, "execute">,
  { sourceJson, perRound, now, withSteps }: CloneContext,
  { round, rounds, remaining }: CloneBatch,
): Promise<CloneCounts> {
  await tx.execute(sql`set local synchronous_commit = off`);
  await tx.execute(sql`set local work_mem = '128MB'`);
  // Copies of the few source rows, so each batch reads them instead of the ever larger tables.
  await tx.execute(sql`
    create temp table amp_src on commit drop as
    select * from jsonb_to_recordset(${sourceJson}::jsonb)
      as x(id uuid, "createdAt" timestamptz, reviews int, before int, span float8)`);
  await tx.execute(sql`
    create temp table amp_t on commit drop as select * from tickets where id in (select id from amp_src)`);
  await tx.execute(sql`
    create temp table amp_r on commit drop as
    select * from agent_runs where ticket_id in (select id from amp_src)`);
  await tx.execute(sql`
    create temp table amp_a on commit drop as
    select * from agent_actions where ticket_id in (select id from amp_src)`);
  await tx.execute(sql`
    create temp table amp_v on commit drop as select * from reviews where ticket_id in (select id from amp_src)`);
  if (withSteps) {
    await tx.execute(sql`
      create temp table amp_s on commit drop as select * from agent_steps where run_id in (select id from amp_r)`);
  }
  // One row per clone: which source, which round, its new id and how far its history moves.
  await tx.execute(sql`
    create temp table amp_map on commit drop as
    with pairs as (
      select s.id as src_id, s."createdAt" as created_at, g.r,
             ('x' || substr(md5(s.id::text || '/' || g.r), 1, 12))::bit(48)::bigint as h,
             greatest(${WINDOW_SECONDS}::float8 - greatest(s.span, 0), 3600) as usable
      from amp_src s
      cross join generate_series(${round}::int, ${round + rounds - 1}::int) as g(r)
      where (g.r - ${round}::int)::bigint * ${perRound}::int + s.before < ${remaining}::bigint
    )
    select src_id, r, ${cloneId(sql`src_id`, sql`r`)} as new_id,
           make_interval(secs =>
             extract(epoch from ${now}::timestamptz) - ${WINDOW_SECONDS}::float8
             + mod(mod(extract(epoch from created_at - (${now}::timestamptz - interval '30 days'))::numeric
                       + (h % usable::bigint), usable::numeric) + usable::numeric, usable::numeric)::float8
             - extract(epoch from created_at)) as shift
    from pairs`);
  await tx.execute(sql`analyze amp_map`);

  const ticketCount = await countInserted(
    tx,
    sql`
      insert into tickets (id, external_id, customer_id, from_email, subject, body, channel, status, intent,
                           priority, metadata, triage_intent, triage_category, triage_confidence,
                           payload_hash, demo, created_at, updated_at)
      select m.new_id, t.external_id || '~' || m.r, t.customer_id, t.from_email, t.subject, t.body, t.channel,
             t.status, t.intent, t.priority, t.metadata, t.triage_intent, t.triage_category,
             t.triage_confidence, null, true, t.created_at + m.shift,
             least(t.updated_at + m.shift, ${now}::timestamptz)
      from amp_map m join amp_t t on t.id = m.src_id
      order by t.created_at + m.shift`,
  );
  const runCount = await countInserted(
    tx,
    sql`
      insert into agent_runs (id, ticket_id, policy_version_id, status, model, route_rule, guidance, triggered_by,
                              input_tokens, output_tokens, cost_micro_usd, latency_ms, cache_key, cache_hit, error,
                              demo, started_at, ended_at)
      select ${cloneId(sql`r.id`, sql`m.r`)}, m.new_id, r.policy_version_id, r.status, r.model, r.route_rule,
             r.guidance, r.triggered_by, r.input_tokens, r.output_tokens, r.cost_micro_usd, r.latency_ms, null,
             r.cache_hit, r.error, true, r.started_at + m.shift, r.ended_at + m.shift
      from amp_map m join amp_r r on r.ticket_id = m.src_id
      order by r.started_at + m.shift`,
  );
  const stepCount = !withSteps
    ? 0
    : await countInserted(
        tx,
        sql`
          insert into agent_steps (run_id, seq, kind, name, input, output, model, input_tokens, output_tokens,
                                   cost_micro_usd, latency_ms, created_at)
          select ${cloneId(sql`s.run_id`, sql`m.r`)}, s.seq, s.kind, s.name, s.input, s.output, s.model,
                 s.input_tokens, s.output_tokens, s.cost_micro_usd, s.latency_ms, s.created_at + m.shift
          from amp_map m
          join amp_r r on r.ticket_id = m.src_id
          join amp_s s on s.run_id = r.id`,
      );
  const actionCount = await countInserted(
    tx,
    sql`
      insert into agent_actions (id, run_id, ticket_id, kind, status, payload, blocked_by, blocked_reason, version,
                                 decided_at, created_at)
      select ${cloneId(sql`a.id`, sql`m.r`)}, ${cloneId(sql`a.run_id`, sql`m.r`)}, m.new_id, a.kind,
             a.status, a.payload, a.blocked_by, a.blocked_reason, a.version, a.decided_at + m.shift,
             a.created_at + m.shift
      from amp_map m join amp_a a on a.ticket_id = m.src_id
      order by a.created_at + m.shift`,
  );
  const reviewCount = await countInserted(
    tx,
    sql`
        insert into reviews (action_id, ticket_id, action_kind, run_id, proposed_at, model, policy_version_id,
                             reviewer_id, decision, original_text, final_text, diff, edit_distance, rating,
                             reason_tags, comment, reason, escalation, group_id, sla_minutes, demo, created_at)
        select ${cloneId(sql`v.action_id`, sql`m.r`)}, m.new_id, v.action_kind, ${cloneId(sql`v.run_id`, sql`m.r`)},
               v.proposed_at + m.shift, v.model, v.policy_version_id, v.reviewer_id, v.decision, v.original_text,
               v.final_text, v.diff, v.edit_distance, v.rating, v.reason_tags, v.comment, v.reason, v.escalation,
               v.group_id, v.sla_minutes, true, v.created_at + m.shift
        from amp_map m join amp_v v on v.ticket_id = m.src_id
        order by v.created_at + m.shift`,
  );
  return {
    tickets: ticketCount,
    runs: runCount,
    steps: stepCount,
    actions: actionCount,
    reviews: reviewCount,
  };
}

/** Runs one INSERT ... SELECT and returns how many rows it wrote, without sending them back. */
async function countInserted(tx: Pick<Db, "execute">, insert: SQL): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await tx.execute(sql`with inserted as (${insert} returning 1) select count(*)::int as n from inserted`),
  );
  return Number(row?.n ?? 0);
}

/**
 * The id of clone round `r` of a row: the round in the first 8 hex digits, then md5(source id, r).
 * Deterministic (no mapping table), and each round's ids share a prefix, so a batch's inserts and
 * foreign-key checks touch a narrow, cached part of each id index instead of random pages.
 */
function cloneId(sourceId: SQL, round: SQL): SQL {
  return sql`(lpad(to_hex(${round}), 8, '0') || substr(md5(${sourceId}::text || '/' || ${round}), 9))::uuid`;
}
