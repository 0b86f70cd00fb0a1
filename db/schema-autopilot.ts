/** Autopilot: categories decided by the system under a policy version, and the samples held back for people. */
import { index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { ACTION_KINDS, agentActions, policyVersions } from "./schema-agent";
import { users } from "./schema-auth";

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
