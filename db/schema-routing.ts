import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { users } from "./schema-auth";

/**
 * A review group: the people who review the actions routed to it (lib/routing), with its SLA.
 * With no groups at all, routing is off and every reviewer sees every undecided action.
 */
export const reviewGroups = pgTable(
  "review_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull().unique(),
    description: text("description").notNull().default(""),
    /** Target age of an undecided action in this group; past it the action moves to `overflowGroupId`. */
    slaMinutes: integer("sla_minutes"),
    /** Past this age an undecided action is escalated to a person by the system (never approved by time). */
    hardLimitMinutes: integer("hard_limit_minutes"),
    /** The lead or fallback group an overdue action moves to. */
    overflowGroupId: uuid("overflow_group_id").references((): AnyPgColumn => reviewGroups.id, {
      onDelete: "set null",
    }),
    /** Where an action goes when no routing rule matches: exactly one group is the default. */
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("review_groups_one_default_idx").on(t.isDefault).where(sql`${t.isDefault}`)],
);

export const reviewGroupMembers = pgTable(
  "review_group_members",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => reviewGroups.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** A lead of the group (shown to the team; an SLA move goes to the overflow group). */
    isLead: boolean("is_lead").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    index("review_group_members_user_idx").on(t.userId),
  ],
);

/**
 * What a routing rule matches, every present condition must hold (within one list, any value):
 * the action's kind, an escalation's team, the ticket's triage category and intent, the
 * customer's tier, and a policy rule that fired in the run.
 */
export interface RoutingMatch {
  kinds?: string[];
  teams?: string[];
  categories?: string[];
  intents?: string[];
  tiers?: string[];
  firedRules?: string[];
}

/** Routing rules, tried in `position` order when an action is proposed; the first match wins. */
export const routingRules = pgTable(
  "routing_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => reviewGroups.id, { onDelete: "cascade" }),
    match: jsonb("match").$type<RoutingMatch>().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("routing_rules_position_idx").on(t.position)],
);
