/** Policy versions and what the agent does under them: runs, their steps, and the actions it proposes. */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { users } from "./schema-auth";
import { reviewGroups } from "./schema-routing";
import { tickets } from "./schema-tickets";

export const POLICY_STATUSES = ["draft", "published", "retired"] as const;
/** How the agent is organised (lib/agent/shapes): today's control loop, a workflow of stages, a team of agents. */
export const AGENT_SHAPES = ["loop", "workflow", "team"] as const;
export type AgentShape = (typeof AGENT_SHAPES)[number];

export const policyVersions = pgTable(
  "policy_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    version: integer("version").notNull().unique(),
    status: text("status", { enum: POLICY_STATUSES }).notNull().default("draft"),
    // Typed guardrail rules; validated by zod in lib/guardrails on save and on load.
    rules: jsonb("rules").$type<unknown[]>().notNull().default([]),
    instructions: text("instructions").notNull().default(""),
    // The agent's shape for tickets drafted under this version; older versions are the loop.
    agentShape: text("agent_shape", { enum: AGENT_SHAPES }).notNull().default("loop"),
    note: text("note"),
    // Typed settings (lib/guardrails/settings.ts); an empty object means every default.
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    publishedBy: uuid("published_by").references(() => users.id, { onDelete: "set null" }),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  // The database, not the code, guarantees there is never more than one published version.
  (t) => [uniqueIndex("policy_versions_one_published").on(t.status).where(sql`${t.status} = 'published'`)],
);

export const RUN_STATUSES = ["running", "succeeded", "fell_back", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Why a run did not end with its configured model (see lib/agent/models/errors.ts). */
export const RUN_ERROR_KINDS = ["configuration", "transient", "model", "database"] as const;
export type RunErrorKind = (typeof RUN_ERROR_KINDS)[number];

export const agentRuns = pgTable(
  "agent_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    policyVersionId: uuid("policy_version_id").references(() => policyVersions.id),
    status: text("status", { enum: RUN_STATUSES }).notNull().default("running"),
    model: text("model").notNull(),
    routeRule: text("route_rule"),
    shape: text("shape", { enum: AGENT_SHAPES }).notNull().default("loop"),
    guidance: text("guidance"),
    triggeredBy: uuid("triggered_by").references(() => users.id, { onDelete: "set null" }),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    // Cost in millionths of a US dollar: integer money, never float.
    costMicroUsd: bigint("cost_micro_usd", { mode: "number" }).notNull().default(0),
    latencyMs: integer("latency_ms"),
    cacheKey: text("cache_key"),
    cacheHit: boolean("cache_hit").notNull().default(false),
    error: text("error"),
    errorKind: text("error_kind", { enum: RUN_ERROR_KINDS }),
    demo: boolean("demo").notNull().default(false),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    // The run's lease (lib/agent/lease.ts): the process drafting it, its last heartbeat, and until
    // when the run is its own. A running run past its lease is reclaimed and its ticket redrafted.
    leaseOwner: text("lease_owner"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One run per ticket at a time, enforced by the database.
    uniqueIndex("agent_runs_one_running_per_ticket").on(t.ticketId).where(sql`${t.status} = 'running'`),
    // The reclaim sweep and /api/health look for running runs past their lease.
    index("agent_runs_running_lease_idx").on(t.leaseExpiresAt).where(sql`${t.status} = 'running'`),
    index("agent_runs_ticket_idx").on(t.ticketId, t.startedAt),
    index("agent_runs_started_idx").on(t.startedAt),
    index("agent_runs_cache_idx").on(t.cacheKey),
    // /api/health reads each configured model's latest run.
    index("agent_runs_model_idx").on(t.model, t.startedAt),
  ],
);

export const STEP_KINDS = [
  "triage",
  "route",
  "plan",
  "tool_call",
  "guardrail",
  "reflection",
  "verification",
  "recovery",
  "cache",
  "action",
  "error",
  "scope",
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The verification checks a reply draft goes through (lib/agent/verify.ts runs them in this order). */
export const VERIFICATION_CHECKS = [
  "citations_present",
  "citations_valid",
  "facts_grounded",
  "no_blocked_topic",
  "required_escalations",
  "customer_scope",
  "no_instruction_leak",
  "customer_text_quoted",
] as const;
export type VerificationCheck = (typeof VERIFICATION_CHECKS)[number];

/** The budgets a run can exhaust. */
export const BUDGETS = ["steps", "tokens", "wall_time"] as const;
export type Budget = (typeof BUDGETS)[number];

export const agentSteps = pgTable(
  "agent_steps",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => agentRuns.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    kind: text("kind", { enum: STEP_KINDS }).notNull(),
    // Display name; the typed columns below are what readers count by.
    name: text("name").notNull(),
    // Verification steps: the check, the round (0 first pass, 1 repair) and whether it passed.
    check: text("check_name", { enum: VERIFICATION_CHECKS }),
    round: smallint("round"),
    passed: boolean("passed"),
    // The budget-exhausted guardrail step: which budget ran out.
    budget: text("budget", { enum: BUDGETS }),
    // The workflow stage or team agent the step belongs to (null: the run itself), and the scope it is nested in.
    scope: text("scope"),
    parentScope: text("parent_scope"),
    input: jsonb("input"),
    output: jsonb("output"),
    model: text("model"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costMicroUsd: bigint("cost_micro_usd", { mode: "number" }).notNull().default(0),
    latencyMs: integer("latency_ms").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("agent_steps_run_seq").on(t.runId, t.seq),
    // Guardrail steps and failed checks are ~1 % of all steps; the dashboard's per-rule table,
    // failing checks and hallucination rate read only those.
    index("agent_steps_signals_idx")
      .on(t.kind, t.runId, t.name)
      .where(sql`${t.kind} = 'guardrail' or (${t.kind} = 'verification' and ${t.passed} = false)`),
  ],
);

export const ACTION_KINDS = ["reply", "escalation", "refund"] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_STATUSES = [
  "pending_review",
  "blocked",
  "approved",
  "escalated",
  "rejected",
  "superseded",
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const agentActions = pgTable(
  "agent_actions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => agentRuns.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ACTION_KINDS }).notNull(),
    status: text("status", { enum: ACTION_STATUSES }).notNull().default("pending_review"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    blockedBy: text("blocked_by"),
    blockedReason: text("blocked_reason"),
    // A reply set aside by verification: the (first) check it failed; null for a block by a policy rule.
    blockedCheck: text("blocked_check", { enum: VERIFICATION_CHECKS }),
    // Optimistic lock: a decision is `UPDATE ... WHERE id = $1 AND version = $2`.
    version: integer("version").notNull().default(1),
    claimedBy: uuid("claimed_by").references(() => users.id, { onDelete: "set null" }),
    claimExpiresAt: timestamp("claim_expires_at", { withTimezone: true }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    // The review group whose queue holds the action (lib/routing); null while routing is off.
    groupId: uuid("group_id").references(() => reviewGroups.id, { onDelete: "set null" }),
    // Why it is there: a routing rule's id, "default", or "sla" after an SLA move.
    routedBy: text("routed_by"),
    // When it waited past its group's SLA (it moved to the overflow group and is flagged).
    slaBreachedAt: timestamp("sla_breached_at", { withTimezone: true }),
    // The group an SLA move took it from: its SLA is the one the action was held to, and its hard
    // limit still applies in the overflow group (lib/routing/sla.ts).
    slaFromGroupId: uuid("sla_from_group_id").references(() => reviewGroups.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    // A group's queue, oldest first (the routed queue and the SLA sweep).
    index("agent_actions_undecided_group_idx")
      .on(t.groupId, t.createdAt, t.id)
      .where(sql`${t.status} in ('pending_review', 'blocked')`),
    // Actions an SLA move took out of a group, for that group's hard limit.
    index("agent_actions_undecided_sla_from_idx")
      .on(t.slaFromGroupId, t.createdAt, t.id)
      .where(sql`${t.status} in ('pending_review', 'blocked') and ${t.slaFromGroupId} is not null`),
    // A routed queue's counts per state and kind (db/queries/queue-counts.ts): bounded index-only reads.
    index("agent_actions_undecided_group_count_idx")
      .on(t.groupId, t.status, t.kind)
      .where(sql`${t.status} in ('pending_review', 'blocked')`),
    index("agent_actions_queue_idx").on(t.status, t.createdAt, t.id),
    index("agent_actions_claim_idx").on(t.claimedBy),
    // The review queue reads only undecided actions: small partial indexes keep it flat at 100k tickets.
    index("agent_actions_undecided_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.status} in ('pending_review', 'blocked')`),
    index("agent_actions_undecided_kind_idx")
      .on(t.kind, t.createdAt, t.id)
      .where(sql`${t.status} in ('pending_review', 'blocked')`),
    // The queue's counts per kind and state: an index-only scan instead of reading every action.
    index("agent_actions_undecided_count_idx")
      .on(t.kind, t.status)
      .where(sql`${t.status} in ('pending_review', 'blocked')`),
    index("agent_actions_ticket_idx").on(t.ticketId),
    // By run, with what the dashboard asks of a run's actions (did it propose a reply, what blocked).
    index("agent_actions_run_kind_idx").on(t.runId, t.kind, t.blockedBy),
  ],
);
