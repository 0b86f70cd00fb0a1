/** People's decisions on proposed actions, and the blind second reviews for agreement. */
import { sql } from "drizzle-orm";
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { ACTION_KINDS, agentActions, agentRuns, policyVersions } from "./schema-agent";
import { users } from "./schema-auth";
import { reviewGroups } from "./schema-routing";
import { tickets } from "./schema-tickets";

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
