/** The outbox: what a decision sends to the customer, delivered after the commit. */
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { agentActions } from "./schema-agent";
import { tickets } from "./schema-tickets";

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
