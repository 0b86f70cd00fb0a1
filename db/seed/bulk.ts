import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../client";

export interface BulkHistoryOptions {
  /** How many synthetic tickets to add (each gets one run and one action). */
  tickets: number;
  /** agent_steps per run (default 10: route, plan, 3 tool calls, reflection, 4 verifications). */
  stepsPerRun?: number;
  /** Share of the actions left waiting for review, 0..1 (default 1: all undecided). */
  undecidedShare?: number;
  /** The end of the 30-day window the tickets are spread over (default: now). */
  now?: Date;
}

export interface BulkHistorySummary {
  tickets: number;
  runs: number;
  steps: number;
  actions: number;
}

/**
 * Adds a large, synthetic but realistic history for benchmarks and paging
 * tests: tickets spread over the last 30 days, one finished agent run each
 * with its decision chain, and one action per ticket (mostly replies, some
 * escalations, a few blocked refunds), undecided or decided with a review.
 *
 * Everything is set-based SQL over generate_series inside one transaction (a
 * few statements, never a row at a time), then ANALYZE. Deterministic in `n`
 * apart from the row ids. Needs seedDemo first (customers, the reviewer
 * account and a published policy); calling it again appends bulk-<n> tickets
 * after the last one.
 */
export async function generateBulkHistory(db: Db, options: BulkHistoryOptions): Promise<BulkHistorySummary> {
  const count = Math.floor(options.tickets);
  const steps = Math.floor(options.stepsPerRun ?? 10);
  const share = options.undecidedShare ?? 1;
  const now = (options.now ?? new Date()).toISOString();
  if (!Number.isFinite(count) || count < 0) throw new Error("tickets must be a non-negative number");
  if (!Number.isFinite(steps) || steps < 0) throw new Error("stepsPerRun must be a non-negative number");
  if (!(share >= 0 && share <= 1)) throw new Error("undecidedShare must be between 0 and 1");
  if (count === 0) return { tickets: 0, runs: 0, steps: 0, actions: 0 };
  // Actions whose hash bucket (0..9999) is below this stay undecided.
  const undecidedBuckets = Math.round(share * 10_000);

  const summary = await db.transaction(async (tx) => {
    const [pre] = rowsOf<{
      customers: number;
      policy: string | null;
      reviewer: string | null;
      start: number;
    }>(
      await tx.execute(sql`
        select (select count(*)::int from customers) as customers,
               (select id from policy_versions where status = 'published') as policy,
               (select id from users order by (role = 'reviewer') desc, created_at, id limit 1) as reviewer,
               (select coalesce(max(substring(external_id from 6)::int), 0) + 1 from tickets
                 where external_id ~ '^bulk-[0-9]+$')::int as start`),
    );
    if (!pre || pre.customers === 0 || !pre.policy || !pre.reviewer) {
      throw new Error("generateBulkHistory needs seedDemo first: customers, a user and a published policy.");
    }
    const first = Number(pre.start);
    const last = first + count - 1;

    // One row per ticket with everything later statements share: ids, times, kind and fate.
    // h is a cheap deterministic hash of n (Knuth's multiplicative), so neighbours differ.
    await tx.execute(sql`
      create temp table bulk_src on commit drop as
      with base as (
        select n, (n::bigint * 2654435761) % 4294967296 as h
        from generate_series(${first}::int, ${last}::int) as n
      )
      select n, h,
             gen_random_uuid() as ticket_id,
             gen_random_uuid() as run_id,
             gen_random_uuid() as action_id,
             -- Microsecond precision, like now() gives: paging must not assume milliseconds.
             ${now}::timestamptz - make_interval(secs => (h % 2592000)::float8 + (h / 5 % 1000000) / 1000000.0)
               as created_at,
             800 + (h / 7 % 9000)::int as latency_ms,
             case when n % 50 = 0 then 'refund' when n % 10 = 3 then 'escalation' else 'reply' end as kind,
             (h / 13 % 10000) >= ${undecidedBuckets}::int as decided,
             (h / 17 % 5) = 0 as rejected,
             case n % 4 when 0 then 'offline' when 1 then 'openai:gpt-4.1-mini'
                        when 2 then 'openai:gpt-4.1' else 'offline' end as model,
             'ORD-' || lpad(((h / 3) % 1000000)::text, 6, '0') as order_number,
             (array['track_order', 'delivery_options', 'change_shipping_address', 'cancel_order',
                    'get_invoice', 'payment_issue', 'get_refund', 'recover_password',
                    'check_refund_policy', 'complaint', 'contact_human_agent', 'edit_account'])[1 + (h / 11 % 12)::int]
               as intent
      from base`);

    await tx.execute(sql`
      insert into tickets (id, external_id, customer_id, from_email, subject, body, channel, status, intent,
                           priority, metadata, demo, created_at, updated_at)
      select s.ticket_id, 'bulk-' || s.n, c.id, c.email,
             (array['Where is my order', 'Question about delivery options', 'Please change my shipping address',
                    'Cancel my order', 'Invoice needed', 'Payment did not go through', 'Refund request',
                    'Cannot log in', 'What is your refund policy?', 'Very unhappy with the service',
                    'I want to talk to a person', 'Update my account details'])[1 + (s.h / 11 % 12)::int]
               || ' ' || s.order_number || ' (#' || s.n || ')',
             'Hi, ' || (array['I ordered', 'I placed an order', 'I bought something', 'my partner ordered'])[1 + s.n % 4]
               || ' (' || s.order_number || ') ' || (1 + s.h % 27) || ' days ago and '
               || (array['it has not arrived yet.', 'I need to change it.', 'I was charged twice.',
                         'the item is damaged.', 'I cannot find the invoice.', 'I would like my money back.'])[1 + (s.h / 5 % 6)::int]
               || ' Could you help? Ticket ' || s.n || '.',
             (array['email', 'chat', 'web', 'email', 'api'])[1 + s.n % 5],
             case when not s.decided then 'awaiting_review'
                  when s.kind = 'reply' and not s.rejected then 'resolved'
                  when s.kind = 'reply' then 'new'
                  else 'escalated' end,
             s.intent,
             (array['normal', 'normal', 'low', 'high', 'normal', 'urgent'])[1 + (s.h / 19 % 6)::int],
             jsonb_build_object('source', 'bulk', 'intent', s.intent),
             true, s.created_at, s.created_at + make_interval(secs => s.latency_ms / 1000.0)
      from bulk_src s
      join (select id, email, row_number() over (order by email) - 1 as rn from customers) c
        on c.rn = s.n % ${pre.customers}::int`);

    await tx.execute(sql`
      insert into agent_runs (id, ticket_id, policy_version_id, status, model, route_rule, input_tokens, output_tokens,
                              cost_micro_usd, latency_ms, cache_key, demo, started_at, ended_at)
      select s.run_id, s.ticket_id, ${pre.policy}::uuid, 'succeeded', s.model,
             case when s.model = 'openai:gpt-4.1' then 'complex' else 'routine' end,
             1500 + (s.h % 6000)::int, 150 + (s.h / 3 % 700)::int,
             case s.model when 'offline' then 0
                          when 'openai:gpt-4.1-mini' then 600 + (s.h % 3000)
                          else 3000 + (s.h % 15000) end,
             s.latency_ms, md5('bulk-' || s.n), true,
             s.created_at + interval '2 seconds', s.created_at + interval '2 seconds' + make_interval(secs => s.latency_ms / 1000.0)
      from bulk_src s`);

    if (steps > 0) {
      // route, plan, tool_call x3, reflection, verification x4, repeating for longer chains.
      await tx.execute(sql`
        insert into agent_steps (run_id, seq, kind, name, check_name, round, passed, input, output, model,
                                 input_tokens, output_tokens, cost_micro_usd, latency_ms, created_at)
        select s.run_id, q.seq, k.kind,
               case k.kind
                 when 'route' then case when s.model = 'openai:gpt-4.1' then 'large' else 'small' end
                 when 'plan' then 'plan ' || (1 + (q.seq - 1) / 10)
                 when 'tool_call' then (array['lookup_customer', 'lookup_orders', 'search_knowledge_base'])[1 + (q.seq - 1) % 10 - 2]
                 when 'reflection' then 'reflection'
                 else (array['citations_present', 'citations_valid', 'facts_grounded', 'no_blocked_topic'])[1 + (q.seq - 1) % 10 - 6]
               end,
               case when k.kind = 'verification' then
                 (array['citations_present', 'citations_valid', 'facts_grounded', 'no_blocked_topic'])[1 + (q.seq - 1) % 10 - 6]
               end,
               case when k.kind = 'verification' then 0 end,
               case when k.kind = 'verification' then true end,
               case k.kind
                 when 'route' then case when s.model = 'offline'
                   then jsonb_build_object('small', 'offline', 'large', 'offline')
                   else jsonb_build_object('small', 'openai:gpt-4.1-mini', 'large', 'openai:gpt-4.1') end
                 when 'plan' then jsonb_build_object('messages', 1 + q.seq / 10)
                 when 'tool_call' then jsonb_build_object('query', s.intent, 'order', s.order_number)
                 else null end,
               case k.kind
                 when 'route' then jsonb_build_object('model', s.model,
                   'rule', case when s.model = 'openai:gpt-4.1' then 'complex' else 'routine' end)
                 when 'plan' then jsonb_build_array(jsonb_build_object('tool', 'lookup_orders'))
                 when 'tool_call' then jsonb_build_object('found', s.h % 7 <> 0, 'count', s.h % 4)
                 when 'reflection' then jsonb_build_object('text', 'The draft rests on the order and one article.')
                 else jsonb_build_object('passed', true, 'detail', 'ok') end,
               case when k.kind in ('plan', 'reflection') then s.model end,
               case when k.kind = 'plan' then 700 + (s.h % 2000)::int when k.kind = 'reflection' then 300 else 0 end,
               case when k.kind = 'plan' then 60 + (s.h % 200)::int when k.kind = 'reflection' then 40 else 0 end,
               0,
               case k.kind when 'plan' then 300 + (s.h % 900)::int when 'reflection' then 150
                           when 'tool_call' then 2 + (s.h % 15)::int else 0 end,
               s.created_at + make_interval(secs => 2 + q.seq * s.latency_ms / 1000.0 / ${steps}::int)
        from bulk_src s
        cross join generate_series(1, ${steps}::int) as q(seq)
        cross join lateral (
          select (array['route', 'plan', 'tool_call', 'tool_call', 'tool_call', 'reflection',
                        'verification', 'verification', 'verification', 'verification'])[1 + (q.seq - 1) % 10] as kind
        ) k`);
    }

    await tx.execute(sql`
      insert into agent_actions (id, run_id, ticket_id, kind, status, payload, blocked_by, blocked_reason, version,
                                 decided_at, created_at)
      select s.action_id, s.run_id, s.ticket_id, s.kind,
             case when not s.decided then (case when s.kind = 'refund' then 'blocked' else 'pending_review' end)
                  when s.kind = 'refund' then 'escalated'
                  when s.kind = 'reply' and s.rejected then 'rejected'
                  else 'approved' end,
             case s.kind
               when 'reply' then jsonb_build_object(
                 'text', 'Hi, thanks for getting in touch about ' || s.order_number || '. '
                   || (array['It left our warehouse and should arrive within 3 working days.',
                             'You can follow it under Account > Orders; the tracking link is in the shipping email.',
                             'I have noted the new address; it applies before the order ships.',
                             'You can download the invoice from the order page.'])[1 + (s.h / 23 % 4)::int]
                   || ' Best regards, the support team',
                 'citations', jsonb_build_array(jsonb_build_object('type', 'order', 'number', s.order_number)),
                 'model', s.model)
               when 'escalation' then jsonb_build_object(
                 'reason', 'The customer asks for something the agent may not do (ticket ' || s.n || ').',
                 'team', (array['support', 'billing', 'legal', 'privacy'])[1 + s.n % 4],
                 'urgency', (array['normal', 'high', 'low'])[1 + s.n % 3],
                 'ruleIds', jsonb_build_array('refund-requests'))
               else jsonb_build_object('orderNumber', s.order_number, 'amountCents', 500 + (s.h % 20000),
                                       'reason', 'The customer asks for their money back.')
             end,
             case when s.kind = 'refund' then 'no-payments' end,
             case when s.kind = 'refund' then 'Do not handle payments: refunds go to the billing team.' end,
             case when s.decided then 2 else 1 end,
             case when s.decided then s.created_at + interval '2 hours' end,
             s.created_at + interval '2 seconds' + make_interval(secs => s.latency_ms / 1000.0)
      from bulk_src s`);

    // Decided actions carry their review (and, when something was sent, a delivered outbox row).
    await tx.execute(sql`
      insert into reviews (action_id, ticket_id, action_kind, run_id, proposed_at, model, policy_version_id, reviewer_id,
                           decision, original_text, final_text, edit_distance, rating, reason, escalation, demo, created_at)
      select s.action_id, s.ticket_id, s.kind, s.run_id,
             s.created_at + interval '2 seconds' + make_interval(secs => s.latency_ms / 1000.0), s.model,
             ${pre.policy}::uuid, ${pre.reviewer}::uuid,
             case when s.kind = 'refund' then 'escalate' when s.kind = 'reply' and s.rejected then 'reject' else 'approve' end,
             'Synthetic draft for ticket ' || s.n,
             case when s.kind = 'reply' and not s.rejected then 'Synthetic draft for ticket ' || s.n end,
             case when s.kind = 'reply' and not s.rejected then 0 end,
             1 + (s.h % 5)::int,
             case when s.kind = 'refund' then 'Refunds are for billing.' when s.kind = 'reply' and s.rejected then 'Wrong policy.' end,
             case when s.kind = 'refund' then jsonb_build_object('team', 'billing', 'reason', 'Refunds are for billing.') end,
             true, s.created_at + interval '2 hours'
      from bulk_src s where s.decided`);
    await tx.execute(sql`
      insert into outbox (action_id, ticket_id, channel, idempotency_key, payload, status, attempts, sent_at, created_at)
      select s.action_id, s.ticket_id, 'log', 'countersign-' || s.action_id,
             jsonb_build_object('kind', case when s.kind = 'reply' then 'reply' else 'escalation' end,
                                'ticketId', s.ticket_id, 'externalId', t.external_id, 'to', t.from_email,
                                'subject', 'Re: ' || t.subject),
             'sent', 1, s.created_at + interval '2 hours 1 minute', s.created_at + interval '2 hours'
      from bulk_src s join tickets t on t.id = s.ticket_id
      where s.decided and not (s.kind = 'reply' and s.rejected)`);

    return { tickets: count, runs: count, steps: count * steps, actions: count };
  });
  await db.execute(sql`analyze tickets, agent_runs, agent_steps, agent_actions, reviews, outbox`);
  return summary;
}
