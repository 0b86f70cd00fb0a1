import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

import { reviewGroups } from "./schema-routing";

export * from "./schema-imports";
export * from "./schema-routing";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export const ROLES = ["reviewer", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ROLES }).notNull().default("reviewer"),
  // Raised by a role or password change and "sign out everywhere": older tokens stop working.
  sessionVersion: integer("session_version").notNull().default(0),
  createdAt: createdAt(),
});

/** Sessions ended by signing out, kept until their token would have expired anyway. */
export const endedSessions = pgTable(
  "ended_sessions",
  {
    sessionId: uuid("session_id").primaryKey(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("ended_sessions_expires_idx").on(t.expiresAt)],
);

/**
 * Counters shared by every instance (lib/security/limiter.ts): sign-in failures
 * per account and per client address, and API-key request rates. `key` is
 * "<purpose>:<subject>", e.g. "signin:account:ada@example.com".
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    points: integer("points").notNull(),
    windowEndsAt: timestamp("window_ends_at", { withTimezone: true }).notNull(),
    blockedUntil: timestamp("blocked_until", { withTimezone: true }),
  },
  (t) => [index("rate_limits_window_idx").on(t.windowEndsAt)],
);

export const customers = pgTable("customers", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  phone: text("phone"),
  tier: text("tier", { enum: ["standard", "gold", "vip"] })
    .notNull()
    .default("standard"),
  createdAt: createdAt(),
});

export type OrderItem = { sku: string; name: string; quantity: number; unitPriceCents: number };

export const ORDER_STATUSES = ["placed", "shipped", "delivered", "cancelled", "returned"] as const;

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    number: text("number").notNull().unique(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    totalCents: integer("total_cents").notNull(),
    currency: text("currency").notNull().default("USD"),
    items: jsonb("items").$type<OrderItem[]>().notNull().default([]),
    placedAt: timestamp("placed_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("orders_customer_idx").on(t.customerId, t.placedAt)],
);

export const kbArticles = pgTable(
  "kb_articles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull().unique(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    status: text("status", { enum: ["published", "retired"] })
      .notNull()
      .default("published"),
    revision: integer("revision").notNull().default(1),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(body, '')), 'B')`,
    ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("kb_articles_search_idx").using("gin", t.searchVector)],
);

/** Every saved version of an article, so edits can be reviewed and undone. */
export const kbArticleRevisions = pgTable(
  "kb_article_revisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    tags: text("tags").array().notNull(),
    status: text("status").notNull(),
    editedBy: uuid("edited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("kb_article_revisions_article_rev").on(t.articleId, t.revision)],
);

export const TICKET_STATUSES = ["new", "drafting", "awaiting_review", "escalated", "resolved"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const CHANNELS = ["email", "chat", "web", "phone", "api"] as const;

export const tickets = pgTable(
  "tickets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    externalId: text("external_id").notNull().unique(),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    fromEmail: text("from_email").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    channel: text("channel").notNull().default("email"),
    status: text("status", { enum: TICKET_STATUSES }).notNull().default("new"),
    // An evaluation label (e.g. the Bitext intent). Shown to people, never to the agent.
    intent: text("intent"),
    priority: text("priority", { enum: ["low", "normal", "high", "urgent"] })
      .notNull()
      .default("normal"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    // The triage model's reading (lib/triage): set when the ticket is ingested or imported and on every run.
    triageIntent: text("triage_intent"),
    triageCategory: text("triage_category"),
    // Confidence of the category (calibrated probability, 0..1).
    triageConfidence: doublePrecision("triage_confidence"),
    // Hash of the ingest payload, so a replay is recognised and a conflicting one refused.
    payloadHash: text("payload_hash"),
    // The API key that ingested the ticket: a `tickets:ingest` key reads only its own.
    ingestedByKeyId: uuid("ingested_by_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    // The W3C traceparent of its ingest when tracing is on: drafting, decisions and delivery join that trace.
    traceparent: text("traceparent"),
    demo: boolean("demo").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("tickets_status_created_idx").on(t.status, t.createdAt, t.id),
    index("tickets_created_idx").on(t.createdAt, t.id),
    index("tickets_customer_idx").on(t.customerId),
    index("tickets_triage_idx").on(t.triageCategory, t.triageIntent),
    // The review queue's search is a substring match (ilike) on subject and sender: trigram indexes.
    index("tickets_subject_trgm_idx").using("gin", t.subject.op("gin_trgm_ops")),
    index("tickets_from_email_trgm_idx").using("gin", t.fromEmail.op("gin_trgm_ops")),
    // External ids are searched by substring, case-insensitive ("BITEXT-41" finds bitext-4182).
    index("tickets_external_id_trgm_idx").using("gin", t.externalId.op("gin_trgm_ops")),
  ],
);

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

export const DECISIONS = ["approve", "edit", "escalate", "reject"] as const;
export type Decision = (typeof DECISIONS)[number];
/**
 * Who decided: a person; "auto" for an action in an autopiloted category (lib/autopilot);
 * "system" for an escalation past its group's hard SLA limit (never an approval).
 */
export const REVIEW_SOURCES = ["person", "auto", "system"] as const;
export type ReviewSource = (typeof REVIEW_SOURCES)[number];

export const reviews = pgTable(
  "reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // One review per action: the unique index is the last line of defence against a double decision.
    actionId: uuid("action_id")
      .notNull()
      .unique()
      .references(() => agentActions.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    // What was decided, copied from the action and its run (neither changes them once proposed):
    // the dashboard and the exports read a million reviews without joining actions and runs.
    actionKind: text("action_kind", { enum: ACTION_KINDS }).notNull(),
    runId: uuid("run_id")
      .notNull()
      .references(() => agentRuns.id, { onDelete: "cascade" }),
    /** When the agent proposed the action (agent_actions.created_at). */
    proposedAt: timestamp("proposed_at", { withTimezone: true }).notNull(),
    /** The run's model and policy version. */
    model: text("model").notNull(),
    policyVersionId: uuid("policy_version_id").references(() => policyVersions.id),
    reviewerId: uuid("reviewer_id").references(() => users.id, { onDelete: "set null" }),
    source: text("source", { enum: REVIEW_SOURCES }).notNull().default("person"),
    decision: text("decision", { enum: DECISIONS }).notNull(),
    originalText: text("original_text"),
    finalText: text("final_text"),
    diff: text("diff"),
    // Normalised edit distance in [0, 1] between original and final text.
    editDistance: doublePrecision("edit_distance"),
    rating: smallint("rating"),
    reasonTags: text("reason_tags").array().notNull().default(sql`'{}'::text[]`),
    comment: text("comment"),
    // Why the reviewer rejected or escalated.
    reason: text("reason"),
    escalation: jsonb("escalation").$type<{ team: string; reason: string; note?: string }>(),
    // A reviewer's correction of the triage reading (npm run triage:train -- --with-reviews learns from it).
    correctedIntent: text("corrected_intent"),
    correctedCategory: text("corrected_category"),
    /** An approved escalation's arguments as sent (the reviewer's edits applied, checked against the policy). */
    finalArguments: jsonb("final_arguments").$type<{
      team: string;
      urgency: string;
      reason: string;
      note?: string;
    }>(),
    // The review group that held the action and its SLA target then: time to first review against the SLA.
    groupId: uuid("group_id").references(() => reviewGroups.id, { onDelete: "set null" }),
    slaMinutes: integer("sla_minutes"),
    demo: boolean("demo").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index("reviews_created_idx").on(t.createdAt, t.id),
    index("reviews_ticket_idx").on(t.ticketId),
    index("reviews_reviewer_idx").on(t.reviewerId),
    index("reviews_run_idx").on(t.runId),
    // The dashboard's review figures and reasons, read from the index alone (not the texts).
    // (Key columns: drizzle-kit has no INCLUDE.)
    index("reviews_metrics_idx").on(
      t.createdAt,
      t.actionKind,
      t.decision,
      t.ticketId,
      t.runId,
      t.proposedAt,
      t.editDistance,
      t.model,
      t.policyVersionId,
      t.reasonTags,
    ),
  ],
);

/**
 * A drafting owed for an acknowledged ticket, written in the same transaction as
 * the ticket: the queue's job is sent after the commit, and a sweep re-sends
 * it for any request whose ticket is still `new` (lib/jobs/draft-requests.ts).
 */
export const draftRequests = pgTable("draft_requests", {
  ticketId: uuid("ticket_id")
    .primaryKey()
    .references(() => tickets.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  /** How often a sweep re-sent the job; sweeps stop after a few, leaving the ticket visible in health. */
  sweeps: integer("sweeps").notNull().default(0),
});

export const OUTBOX_STATUSES = ["pending", "sent", "failed", "dead"] as const;

export const outbox = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    actionId: uuid("action_id")
      .notNull()
      .unique()
      .references(() => agentActions.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    channel: text("channel").notNull().default("log"),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    // Nothing is sent before this instant: the reviewer's undo window (see lib/delivery/undo-window.ts).
    releaseAt: timestamp("release_at", { withTimezone: true }).notNull().defaultNow(),
    // The W3C traceparent of the decision that queued it when tracing is on: its delivery joins that trace.
    traceparent: text("traceparent"),
    // Set while one delivery is sending the row (a lease, lib/delivery/deliver.ts); no other claims
    // it before then, and a claim whose process died lapses so the row is retried.
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("outbox_status_idx").on(t.status, t.createdAt),
    // What a ticket's customer was already sent: every decision on a reply asks (lib/review/follow-up.ts).
    index("outbox_ticket_idx").on(t.ticketId, t.createdAt),
  ],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    actorId: uuid("actor_id"),
    actorType: text("actor_type", { enum: ["user", "api_key", "system"] }).notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    data: jsonb("data").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_entity_idx").on(t.entityType, t.entityId),
    index("audit_log_created_idx").on(t.createdAt),
  ],
);

export const apiKeys = pgTable("api_keys", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  // The first characters of the key, shown in lists so people can tell keys apart.
  prefix: text("prefix").notNull(),
  hash: text("hash").notNull().unique(),
  scopes: text("scopes").array().notNull(),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

/**
 * The dashboard's figures of closed UTC days, kept so a month's page adds up
 * days instead of re-reading every run and review (lib/metrics/rollups.ts).
 * A cache: rows are written on first read of a closed day and deleted by
 * triggers (migration 0006) when a run, step, action or review of that day or
 * an earlier one changes; the day is then computed again from the records.
 * `kind`: "day" (the day is stored; key ""), "figures" (key "all",
 * "policy:<version>", "model:<id>"), "rule", "reason", "check", and
 * "tickets" (key "<chain>|<cut>": how many days back each ticket of the day
 * last had an event of that chain, for exact distinct counts over periods).
 */
export const metricRollups = pgTable(
  "metric_rollups",
  {
    day: date("day", { mode: "string" }).notNull(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    values: jsonb("values").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.kind, t.key] })],
);

/**
 * Categories (triage intent x action kind) an admin put on autopilot under a
 * policy version (lib/autopilot). A demotion deletes the row; both are audited.
 */
export const autopilotCategories = pgTable(
  "autopilot_categories",
  {
    policyVersionId: uuid("policy_version_id")
      .notNull()
      .references(() => policyVersions.id, { onDelete: "cascade" }),
    intent: text("intent").notNull(),
    actionKind: text("action_kind", { enum: ACTION_KINDS }).notNull(),
    promotedBy: uuid("promoted_by").references(() => users.id, { onDelete: "set null" }),
    promotedAt: timestamp("promoted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.policyVersionId, t.intent, t.actionKind] })],
);

/**
 * Actions of an autopiloted category held back for people instead of being
 * approved by the system. Never shown to reviewers: their verdicts decide
 * whether the category keeps its autopilot.
 */
export const autopilotSamples = pgTable(
  "autopilot_samples",
  {
    actionId: uuid("action_id")
      .primaryKey()
      .references(() => agentActions.id, { onDelete: "cascade" }),
    policyVersionId: uuid("policy_version_id")
      .notNull()
      .references(() => policyVersions.id, { onDelete: "cascade" }),
    intent: text("intent").notNull(),
    actionKind: text("action_kind", { enum: ACTION_KINDS }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("autopilot_samples_category_idx").on(t.policyVersionId, t.intent, t.actionKind)],
);

/**
 * A blind second review of a decided action, for reviewer agreement
 * (lib/review/second-review.ts): a sample of decisions is opened again for
 * another reviewer, who never sees the first decision. It is a judgement
 * stored for agreement only: nothing in it reaches the outbox.
 */
export const secondReviews = pgTable(
  "second_reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    actionId: uuid("action_id")
      .notNull()
      .unique()
      .references(() => agentActions.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    firstReviewId: uuid("first_review_id")
      .notNull()
      .unique()
      .references(() => reviews.id, { onDelete: "cascade" }),
    /** Who decided first: the one person this item is never offered to. */
    firstReviewerId: uuid("first_reviewer_id").references(() => users.id, { onDelete: "set null" }),
    reviewerId: uuid("reviewer_id").references(() => users.id, { onDelete: "set null" }),
    decision: text("decision", { enum: DECISIONS }),
    reasonTags: text("reason_tags").array().notNull().default(sql`'{}'::text[]`),
    comment: text("comment"),
    demo: boolean("demo").notNull().default(false),
    createdAt: createdAt(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [
    index("second_reviews_pending_idx").on(t.createdAt).where(sql`${t.decidedAt} is null`),
    index("second_reviews_decided_idx").on(t.decidedAt),
  ],
);
