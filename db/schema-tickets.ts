/** Tickets and the draftings owed for them. */
import { boolean, doublePrecision, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { apiKeys } from "./schema-auth";
import { customers } from "./schema-customers";

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
