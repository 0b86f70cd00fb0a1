import { and, asc, eq, inArray, notExists, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { agentActions, agentRuns, agentSteps, tickets, users } from "@/db/schema";
import { failedCheckSql, GROUNDING_CHECKS } from "@/lib/agent/chain";
import { runAgent } from "@/lib/agent/run";
import type { EscalationPayload, ReplyPayload } from "@/lib/agent/types";
import { decideAction, type Reviewer } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { type DemoDecision, decisionOrder, demoDecision } from "./decisions";
import { buildDemoSecondReviews } from "./second-reviews";

const MINUTE_MS = 60_000;

export interface DemoHistoryOptions {
  /** The end of the history (default: now). Every timestamp written is at or before it. */
  now?: Date;
  /** Who the decisions are attributed to (default: every account, in e-mail order). */
  reviewerIds?: string[];
  /** How many of the newest demo tickets are left undrafted, for "Draft all new" (default 60). */
  leaveNew?: number;
  /** How many of the newest are drafted but left undecided: the review queue's backlog (default 60). */
  leavePending?: number;
}

export interface DemoHistorySummary {
  drafted: number;
  /** Tickets whose proposed actions were all decided. */
  decided: number;
  reviews: number;
  /** Tickets drafted and left waiting for review. */
  pending: number;
  /** Tickets left new. */
  undrafted: number;
  /** Runs that failed (their tickets went back to new). */
  failedRuns: number;
}

/**
 * A small deterministic hash of a string (FNV-1a, 32 bits), so the same
 * ticket always gets the same delays and reviewer whatever the run order.
 */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The agent picked a ticket up 2 to 30 minutes after it arrived. */
function runDelayMs(externalId: string): number {
  return (2 + (hash(`run:${externalId}`) % 29)) * MINUTE_MS;
}

/**
 * A ticket left waiting for review was drafted 3 to 210 minutes before now: a live queue, spread
 * over the last few hours and under the default group's SLA target, so the SLA sweep has nothing
 * to move or escalate when the demo starts (the decided history stays spread over the 30 days).
 */
function pendingAgeMs(externalId: string): number {
  return (3 + (hash(`pending:${externalId}`) % 208)) * MINUTE_MS;
}

/** A person decided 10 minutes to 20 hours after the draft, log-uniformly (most within a few hours). */
function reviewDelayMs(key: string): number {
  const u = (hash(`review:${key}`) % 10_000) / 10_000;
  return Math.round(10 * MINUTE_MS * Math.exp(u * Math.log(120)));
}

/**
 * Builds the demo's decided history: the agent (whatever model is configured;
 * the offline one by default) really drafts the seeded tickets, and each
 * proposed action is decided through decideAction (review, ticket status,
 * outbox, audit in one transaction) with a decision derived from Bitext's
 * reference reply and intent label (lib/demo/decisions.ts). Then every
 * timestamp is moved back to where it belongs: runs a few minutes after their
 * ticket arrived (the seed spreads tickets over the past 30 days), decisions
 * minutes to hours after the draft, deliveries recorded as sent.
 *
 * `leaveNew` tickets stay new and `leavePending` are drafted but left waiting
 * for review, taken from the newest (see assignFates); the rest are decided.
 * Once any demo run exists the history counts as built and a call does
 * nothing. Everything written is marked demo (tickets, runs, reviews) for
 * `npm run demo:remove`.
 *
 * The history's runs lose their decision-cache key: a cache hit replays a
 * decision, and drafting a demo ticket again should show the agent at work,
 * not a backdated run's result.
 */
export async function buildDemoHistory(
  db: Db,
  options: DemoHistoryOptions = {},
): Promise<DemoHistorySummary> {
  const now = options.now ?? new Date();
  const leaveNew = options.leaveNew ?? 60;
  const leavePending = options.leavePending ?? 60;

  const reviewers = await loadReviewers(db, options.reviewerIds);
  const [built] = await db
    .select({ id: agentRuns.id })
    .from(agentRuns)
    .where(eq(agentRuns.demo, true))
    .limit(1);
  if (built) return { drafted: 0, decided: 0, reviews: 0, pending: 0, undrafted: 0, failedRuns: 0 };
  const candidates = await db
    .select({
      id: tickets.id,
      externalId: tickets.externalId,
      createdAt: tickets.createdAt,
      intent: tickets.intent,
      metadata: tickets.metadata,
    })
    .from(tickets)
    .where(
      and(
        eq(tickets.demo, true),
        eq(tickets.status, "new"),
        notExists(db.select({ one: sql`1` }).from(agentRuns).where(eq(agentRuns.ticketId, tickets.id))),
      ),
    )
    .orderBy(asc(tickets.createdAt), asc(tickets.id));

  const fates = assignFates(candidates.length, leaveNew, leavePending);
  const summary: DemoHistorySummary = {
    drafted: 0,
    decided: 0,
    reviews: 0,
    pending: 0,
    undrafted: fates.filter((f) => f === "new").length,
    failedRuns: 0,
  };

  const runStarts: { id: string; start: string }[] = [];
  const arrivals: { id: string; at: string }[] = [];
  const reviewDelays: { id: string; delay: number }[] = [];
  for (const [index, ticket] of candidates.entries()) {
    const fate = fates[index];
    if (fate === "new") continue;
    let runId: string;
    try {
      runId = (await runAgent(db, ticket.id, { demo: true, useCache: false })).runId;
    } catch {
      summary.failedRuns++;
      continue;
    }
    summary.drafted++;
    if (fate === "pending") {
      // It arrived a few minutes before its draft, a few hours ago at most.
      const start = now.getTime() - pendingAgeMs(ticket.externalId);
      runStarts.push({ id: runId, start: new Date(start).toISOString() });
      arrivals.push({ id: ticket.id, at: new Date(start - runDelayMs(ticket.externalId)).toISOString() });
      summary.pending++;
      continue;
    }
    runStarts.push({
      id: runId,
      start: new Date(
        Math.min(ticket.createdAt.getTime() + runDelayMs(ticket.externalId), now.getTime() - 2 * MINUTE_MS),
      ).toISOString(),
    });

    const reference = ticket.metadata.referenceReply;
    const decisions = await decisionsForRun(db, runId, {
      intent: ticket.intent,
      referenceReply: typeof reference === "string" ? reference : null,
    });
    const reviewer = reviewers[hash(ticket.externalId) % reviewers.length] as Reviewer;
    for (const { actionId, version, decision } of decisions) {
      const input = decisionSchema.parse({ ...decision, actionId, version });
      // The demo's second reviews are built below, all given: none is sampled here to wait in the queue.
      await decideAction(db, reviewer, input, { secondReviewShare: 0 });
      reviewDelays.push({ id: actionId, delay: reviewDelayMs(actionId) });
      summary.reviews++;
    }
    if (decisions.length > 0) summary.decided++;
  }

  await backdate(db, { now, runStarts, reviewDelays, arrivals });
  // Blind second reviews of a sample, for reviewer agreement.
  await buildDemoSecondReviews(db, now);
  return summary;
}

type Fate = "new" | "pending" | "decided";

/**
 * What happens to each ticket, oldest first: walking from the newest, tickets
 * take turns being left new, left pending and decided until both quotas are
 * met; everything older is decided. So the last couple of weeks look like a
 * live queue (some of each, every day) and decisions, hence the charts, run
 * up to today instead of stopping where the backlog begins.
 */
export function assignFates(count: number, leaveNew: number, leavePending: number): Fate[] {
  const fates: Fate[] = Array.from({ length: count }, () => "decided");
  let newLeft = leaveNew;
  let pendingLeft = leavePending;
  let turn = 0;
  for (let i = count - 1; i >= 0 && (newLeft > 0 || pendingLeft > 0); i--, turn++) {
    const slot = turn % 3;
    if (slot === 0 && newLeft > 0) {
      fates[i] = "new";
      newLeft--;
    } else if (slot === 1 && pendingLeft > 0) {
      fates[i] = "pending";
      pendingLeft--;
    } else if (slot !== 2 && (newLeft > 0 || pendingLeft > 0)) {
      // One quota is used up: the other takes this turn.
      fates[i] = newLeft > 0 ? "new" : "pending";
      if (newLeft > 0) newLeft--;
      else pendingLeft--;
    }
  }
  return fates;
}

async function loadReviewers(db: Db, ids: string[] | undefined): Promise<Reviewer[]> {
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(ids?.length ? inArray(users.id, ids) : undefined)
    .orderBy(asc(users.email));
  if (rows.length === 0) {
    throw new Error(
      "buildDemoHistory needs at least one user to attribute decisions to: run seedDemo first.",
    );
  }
  return rows;
}

/** The run's undecided actions with the demo reviewer's decision on each, in the order to apply them. */
async function decisionsForRun(
  db: Db,
  runId: string,
  ticket: { intent: string | null; referenceReply: string | null },
) {
  const actions = await db
    .select()
    .from(agentActions)
    .where(and(eq(agentActions.runId, runId), inArray(agentActions.status, ["pending_review", "blocked"])))
    .orderBy(asc(agentActions.createdAt), asc(agentActions.id));
  const [grounding] = await db
    .select({ failed: sql<number>`count(*)::int` })
    .from(agentSteps)
    .where(and(eq(agentSteps.runId, runId), failedCheckSql("agent_steps", GROUNDING_CHECKS)));
  const run = {
    groundingFailed: Number(grounding?.failed ?? 0) > 0,
    hasEscalation: actions.some((a) => a.kind === "escalation" && a.status === "pending_review"),
  };
  const decided: { actionId: string; version: number; decision: DemoDecision }[] = actions.map((a) => ({
    actionId: a.id,
    version: a.version,
    decision: demoDecision(
      {
        kind: a.kind,
        status: a.status as "pending_review" | "blocked",
        blockedBy: a.blockedBy,
        text: a.kind === "reply" ? (a.payload as ReplyPayload).text : null,
        team: a.kind === "escalation" ? (a.payload as EscalationPayload).team : null,
      },
      ticket,
      run,
    ),
  }));
  return decided.sort((x, y) => decisionOrder(x.decision) - decisionOrder(y.decision));
}

/**
 * Moves the history's timestamps to where they belong, set-based: each run
 * (with its steps and actions) to its start time, each decision (review,
 * action, delivery, audit entry) to a delay after its action was proposed,
 * never later than `now - 1 minute`.
 */
async function backdate(
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

// ---------------------------------------------------------------------------------------------
// Amplification: the same history, cloned set-based until there are N reviews.

export interface AmplifyOptions {
  /** Clone until the database holds at least this many reviews (in all, not added). */
  reviews: number;
  /**
   * Clone each run's decision chain too (default true). A chain is ~14 steps and ~10 kB, so
   * 1M reviews with chains is ~13M steps and ~10 GB; exports do not read steps.
   */
  steps?: boolean;
  /** The end of the 30-day window the clones are spread over (default: now). */
  now?: Date;
  /** Reviews cloned per transaction (default 100,000). */
  batchReviews?: number;
  /**
   * Transactions run side by side (default 2: PostgreSQL uses a core for each; on PGlite, which
   * runs one statement at a time, they simply take turns).
   */
  concurrency?: number;
  onProgress?: (progress: { reviews: number; target: number }) => void;
  /**
   * Clone only decided demo tickets triaged as this intent whose every review approved a reply
   * as proposed: the evidence that puts one category within reach of autopilot.
   */
  approvedRepliesOf?: string;
}

export interface AmplifySummary {
  tickets: number;
  runs: number;
  steps: number;
  actions: number;
  reviews: number;
  /** Reviews in the database afterwards. */
  totalReviews: number;
}

const WINDOW_SECONDS = 30 * 24 * 3600;

/**
 * Grows the demo history to `reviews` reviews by cloning the decided demo
 * tickets (not earlier clones) with everything that hangs off them: runs,
 * steps (unless `steps: false`), actions and reviews. Clone round r of ticket
 * `bitext-42` is `bitext-42~r`; its ids are derived from (source id, r) (see
 * cloneId), so no mapping table is needed and a later call continues with the
 * next round. Each clone
 * keeps its source's shape (model, policy, decisions, delays) and is moved to
 * a pseudo-random time in the 30 days before `now`, its whole history
 * included, so nothing lands in the future. Deliveries and audit entries are
 * not cloned. All set-based SQL (insert ... select over generate_series), one
 * transaction per batch, then ANALYZE. Clones are demo rows.
 *
 * Stops at N exactly in practice: the last round takes single-review tickets
 * first, so it can overshoot only by one ticket's extra reviews.
 */
export async function amplifyHistory(db: Db, options: AmplifyOptions): Promise<AmplifySummary> {
  const target = Math.floor(options.reviews);
  if (!Number.isFinite(target) || target < 0) throw new Error("reviews must be a non-negative number");
  const withSteps = options.steps ?? true;
  const now = (options.now ?? new Date()).toISOString();
  const batchReviews = Math.max(1, Math.floor(options.batchReviews ?? 100_000));
  const summary: AmplifySummary = { tickets: 0, runs: 0, steps: 0, actions: 0, reviews: 0, totalReviews: 0 };

  const [state] = rowsOf<{ reviews: number; lastRound: number }>(
    await db.execute(sql`
      select (select count(*) from reviews)::int as reviews,
             (select coalesce(max(substring(external_id from '~([0-9]+)$')::int), 0) from tickets
               where demo and external_id ~ '~[0-9]+$')::int as "lastRound"`),
  );
  // The sources, once: decided demo tickets that are not clones, single-review ones first (so the
  // last round can stop exactly), with how long each one's history lasts.
  const sources = rowsOf<{ id: string; createdAt: string; reviews: number; before: number; span: number }>(
    await db.execute(sql`
      with src as (
        select t.id, t.created_at, count(v.id)::int as n_reviews,
               extract(epoch from greatest(
                 max(v.created_at),
                 (select max(coalesce(r.ended_at, r.started_at)) from agent_runs r where r.ticket_id = t.id))
                 - t.created_at)::float8 as span
        from tickets t join reviews v on v.ticket_id = t.id
        where t.demo and t.external_id !~ '~[0-9]+$'
          ${options.approvedRepliesOf ? sql`and t.triage_intent = ${options.approvedRepliesOf}` : sql``}
        group by t.id
        ${
          options.approvedRepliesOf
            ? sql`having bool_and(v.decision = 'approve' and v.action_kind = 'reply')`
            : sql``
        }
      )
      select id, created_at as "createdAt", n_reviews as reviews, span,
             (sum(n_reviews) over (order by n_reviews, id) - n_reviews)::int as before
      from src order by n_reviews, id`),
  );
  let total = Number(state?.reviews ?? 0);
  const perRound = sources.reduce((sum, s) => sum + Number(s.reviews), 0);
  let round = Number(state?.lastRound ?? 0) + 1;
  summary.totalReviews = total;
  if (total >= target) return summary;
  if (perRound === 0) {
    throw new Error(
      "amplifyHistory needs a decided demo history to clone: seed the demo and run buildDemoHistory first " +
        "(npm start does both on an empty database).",
    );
  }
  const sourceJson = JSON.stringify(sources);

  // The batches, planned up front: each knows its rounds and how many reviews it may add, so
  // batches are independent and `concurrency` of them run side by side.
  const batches: { round: number; rounds: number; remaining: number }[] = [];
  const roundsPerBatch = Math.max(1, Math.floor(batchReviews / perRound));
  for (let planned = 0; planned < target - total; ) {
    const remaining = target - total - planned;
    const rounds = Math.min(Math.ceil(remaining / perRound), roundsPerBatch);
    batches.push({ round, rounds, remaining });
    round += rounds;
    planned += rounds * perRound;
  }
  const cloneBatch = async ({ round, rounds, remaining }: (typeof batches)[number]) => {
    const added = await db.transaction(async (tx) => {
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
    });
    summary.tickets += added.tickets;
    summary.runs += added.runs;
    summary.steps += added.steps;
    summary.actions += added.actions;
    summary.reviews += added.reviews;
    total += added.reviews;
    options.onProgress?.({ reviews: total, target });
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.floor(options.concurrency ?? 2)) }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        if (batch) await cloneBatch(batch);
      }
    }),
  );
  await db.execute(sql`analyze tickets, agent_runs, agent_steps, agent_actions, reviews`);
  summary.totalReviews = total;
  return summary;
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
