import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { ruleFiringsSql } from "@/lib/metrics/rule-fired";
import { type Db, rowsOf } from "../client";
import {
  agentActions,
  agentRuns,
  agentSteps,
  customers,
  policyVersions,
  reviews,
  tickets,
  users,
} from "../schema";

export type PolicyVersionRow = typeof policyVersions.$inferSelect;

export async function getPublishedPolicyRow(db: Db) {
  const [row] = await db.select().from(policyVersions).where(eq(policyVersions.status, "published")).limit(1);
  return row ?? null;
}

/** The draft being edited: there is at most one (saving refuses to start a second). */
export async function getDraftPolicyRow(db: Db) {
  const [row] = await db
    .select()
    .from(policyVersions)
    .where(eq(policyVersions.status, "draft"))
    .orderBy(desc(policyVersions.version))
    .limit(1);
  return row ?? null;
}

export async function getPolicyVersionRow(db: Db, id: string) {
  const [row] = await db.select().from(policyVersions).where(eq(policyVersions.id, id)).limit(1);
  return row ?? null;
}

const creators = alias(users, "creators");

/** Every version, newest first, with who wrote and who published it. */
export async function listPolicyVersions(db: Db) {
  return db
    .select({
      id: policyVersions.id,
      version: policyVersions.version,
      status: policyVersions.status,
      note: policyVersions.note,
      rules: policyVersions.rules,
      instructions: policyVersions.instructions,
      agentShape: policyVersions.agentShape,
      createdAt: policyVersions.createdAt,
      createdBy: creators.name,
      publishedAt: policyVersions.publishedAt,
      publishedBy: users.name,
    })
    .from(policyVersions)
    .leftJoin(users, eq(users.id, policyVersions.publishedBy))
    .leftJoin(creators, eq(creators.id, policyVersions.createdBy))
    .orderBy(desc(policyVersions.version));
}

export type PolicyVersionSummary = Awaited<ReturnType<typeof listPolicyVersions>>[number];

/** What a dry-run replays, loaded in four set-based queries. */
export interface DecidedRunHistory {
  runs: {
    id: string;
    ticketId: string;
    policyVersionId: string | null;
    startedAt: Date;
    externalId: string;
    subject: string;
    body: string;
    metadata: Record<string, unknown>;
    customerTier: string | null;
  }[];
  steps: {
    runId: string;
    seq: number;
    kind: string;
    name: string;
    input: unknown;
    output: unknown;
    tokens: number;
  }[];
  actions: {
    id: string;
    runId: string;
    kind: "reply" | "escalation" | "refund";
    status: string;
    payload: Record<string, unknown>;
    blockedBy: string | null;
    blockedReason: string | null;
    decision: string | null;
    reasonTags: string[] | null;
  }[];
  policies: { id: string; version: number; rules: unknown }[];
}

/** Step kinds the replay reads: model calls and tokens (gate state), tool calls, guardrail decisions, cache hits. */
const REPLAYED_KINDS = ["plan", "reflection", "tool_call", "guardrail", "error", "cache"] as const;

/**
 * The last `limit` finished runs (newest first) that a person decided: at
 * least one of their actions has a review. With their steps, actions,
 * reviews, and the policy versions they ran under.
 */
export async function loadDecidedRunHistory(db: Db, limit: number): Promise<DecidedRunHistory> {
  const runs = await db
    .select({
      id: agentRuns.id,
      ticketId: agentRuns.ticketId,
      policyVersionId: agentRuns.policyVersionId,
      startedAt: agentRuns.startedAt,
      externalId: tickets.externalId,
      subject: tickets.subject,
      body: tickets.body,
      metadata: tickets.metadata,
      customerTier: customers.tier,
    })
    .from(agentRuns)
    .innerJoin(tickets, eq(tickets.id, agentRuns.ticketId))
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(
      and(
        sql`${agentRuns.status} <> 'running'`,
        sql`exists (select 1 from ${agentActions} a join ${reviews} rv on rv.action_id = a.id where a.run_id = ${agentRuns.id})`,
      ),
    )
    .orderBy(desc(agentRuns.startedAt), desc(agentRuns.id))
    .limit(limit);
  if (runs.length === 0) return { runs, steps: [], actions: [], policies: [] };
  const runIds = runs.map((r) => r.id);
  const policyIds = [...new Set(runs.flatMap((r) => (r.policyVersionId ? [r.policyVersionId] : [])))];

  const [steps, actions, policies] = await Promise.all([
    db
      .select({
        runId: agentSteps.runId,
        seq: agentSteps.seq,
        kind: agentSteps.kind,
        name: agentSteps.name,
        // Plan and reflection steps only count; their (large) prompts and outputs stay in the database.
        input: sql<unknown>`case when ${agentSteps.kind} in ('tool_call', 'guardrail', 'error') then ${agentSteps.input} end`,
        output: sql<unknown>`case when ${agentSteps.kind} = 'guardrail' then ${agentSteps.output} end`,
        tokens: sql<number>`(${agentSteps.inputTokens} + ${agentSteps.outputTokens})::int`,
      })
      .from(agentSteps)
      .where(and(inArray(agentSteps.runId, runIds), inArray(agentSteps.kind, [...REPLAYED_KINDS])))
      .orderBy(agentSteps.runId, agentSteps.seq),
    db
      .select({
        id: agentActions.id,
        runId: agentActions.runId,
        kind: agentActions.kind,
        status: agentActions.status,
        payload: agentActions.payload,
        blockedBy: agentActions.blockedBy,
        blockedReason: agentActions.blockedReason,
        decision: reviews.decision,
        reasonTags: reviews.reasonTags,
      })
      .from(agentActions)
      .leftJoin(reviews, eq(reviews.actionId, agentActions.id))
      .where(inArray(agentActions.runId, runIds)),
    policyIds.length
      ? db
          .select({ id: policyVersions.id, version: policyVersions.version, rules: policyVersions.rules })
          .from(policyVersions)
          .where(inArray(policyVersions.id, policyIds))
      : Promise.resolve([]),
  ]);
  return {
    runs,
    steps: steps.map((s) => ({ ...s, tokens: Number(s.tokens) })),
    actions,
    policies,
  };
}

/** Per guardrail rule id, over all recorded history: how often it fired, blocked, forced escalations, and was overridden. */
export interface RuleFigureRow {
  ruleId: string;
  firedRuns: number;
  blocks: number;
  blocksReviewed: number;
  blockOverrides: number;
  escalations: number;
  escalationsReviewed: number;
  escalationOverrides: number;
}

/**
 * Aggregated in the database: "fired" is defined once in lib/metrics/rule-fired.ts
 * (runs in which the rule fired); guardrail steps are named after the rule, blocked
 * actions carry it in blocked_by, and escalations list the rules that forced
 * them in payload.ruleIds. The definitions of an override live in
 * lib/guardrails/figures.ts.
 */
export async function ruleFigureRows(db: Db): Promise<RuleFigureRow[]> {
  const result = await db.execute(sql`
    with fired as (
      select rule_id, count(*)::int as runs from (${ruleFiringsSql(
        sql`(select run_id, kind, name, null::date as day from agent_steps)`,
        sql`(select run_id, blocked_by, null::date as day from agent_actions)`,
      )}) f group by rule_id
    ),
    blocks as (
      select a.blocked_by as rule_id, count(*)::int as blocks, count(rv.id)::int as reviewed,
             count(rv.id) filter (
               where rv.reason_tags && array['wrong_policy', 'should_not_have_escalated']::text[])::int as overrides
      from agent_actions a left join reviews rv on rv.action_id = a.id
      where a.blocked_by is not null
      group by a.blocked_by
    ),
    forced as (
      select r.rule_id, count(*)::int as escalations, count(rv.id)::int as reviewed,
             count(rv.id) filter (
               where rv.decision = 'reject' or 'should_not_have_escalated' = any(rv.reason_tags))::int as overrides
      from agent_actions a
      cross join lateral jsonb_array_elements_text(
        case when jsonb_typeof(a.payload -> 'ruleIds') = 'array' then a.payload -> 'ruleIds' else '[]'::jsonb end
      ) as r(rule_id)
      left join reviews rv on rv.action_id = a.id
      where a.kind = 'escalation'
      group by r.rule_id
    )
    select coalesce(f.rule_id, b.rule_id, e.rule_id) as "ruleId",
           coalesce(f.runs, 0) as "firedRuns",
           coalesce(b.blocks, 0) as "blocks", coalesce(b.reviewed, 0) as "blocksReviewed",
           coalesce(b.overrides, 0) as "blockOverrides",
           coalesce(e.escalations, 0) as "escalations", coalesce(e.reviewed, 0) as "escalationsReviewed",
           coalesce(e.overrides, 0) as "escalationOverrides"
    from fired f
    full join blocks b on b.rule_id = f.rule_id
    full join forced e on e.rule_id = coalesce(f.rule_id, b.rule_id)
    order by 1`);
  return rowsOf<RuleFigureRow>(result).map((r) => ({
    ruleId: String(r.ruleId),
    firedRuns: Number(r.firedRuns),
    blocks: Number(r.blocks),
    blocksReviewed: Number(r.blocksReviewed),
    blockOverrides: Number(r.blockOverrides),
    escalations: Number(r.escalations),
    escalationsReviewed: Number(r.escalationsReviewed),
    escalationOverrides: Number(r.escalationOverrides),
  }));
}
