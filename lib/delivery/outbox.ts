import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { outbox } from "@/db/schema";
import { env } from "@/lib/env";
import { currentTraceparent } from "@/lib/telemetry/spans";

/**
 * What a reviewer's decision sends: the reply the customer gets, or the notice
 * of an escalation. Stored as the outbox row's payload and validated again
 * when it is delivered.
 */
export const outboxMessageSchema = z
  .object({
    kind: z.enum(["reply", "escalation"]),
    ticketId: z.string().min(1),
    externalId: z.string().min(1),
    to: z.string().trim().min(1),
    subject: z.string(),
    text: z.string().optional(),
    team: z.string().optional(),
    reason: z.string().optional(),
    note: z.string().optional(),
  })
  .superRefine((message, ctx) => {
    if (message.kind === "reply" && !message.text?.trim()) {
      ctx.addIssue({ code: "custom", path: ["text"], message: "a reply needs its text" });
    }
    if (message.kind === "escalation") {
      if (!message.team?.trim())
        ctx.addIssue({ code: "custom", path: ["team"], message: "an escalation needs a team" });
      if (!message.reason?.trim()) {
        ctx.addIssue({ code: "custom", path: ["reason"], message: "an escalation needs a reason" });
      }
    }
  });

export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

export type OutboxRow = typeof outbox.$inferSelect;

export function idempotencyKeyFor(actionId: string): string {
  return `countersign-${actionId}`;
}

/**
 * The insert that adds a message to the outbox (validated here, sent when
 * executed). Run it inside the transaction that records the decision: the
 * message exists if and only if the decision does. Nothing is delivered here;
 * enqueue the row's id (enqueueDeliveries) after the commit; the outbox sweep
 * (at start-up and every minute, see startQueue) picks up any row whose enqueue
 * was lost.
 */
export function outboxInsert(
  tx: Pick<Db, "insert">,
  input: {
    id?: string;
    actionId: string;
    ticketId: string;
    message: OutboxMessage;
    /** Not sent before this instant (the decision's undo window); now when absent. */
    releaseAt?: Date;
  },
) {
  return tx.insert(outbox).values({
    id: input.id,
    releaseAt: input.releaseAt,
    actionId: input.actionId,
    ticketId: input.ticketId,
    channel: env().DELIVERY_CHANNEL,
    idempotencyKey: idempotencyKeyFor(input.actionId),
    payload: outboxMessageSchema.parse(input.message),
    traceparent: currentTraceparent(),
  });
}

/** Adds a message to the outbox (see outboxInsert) and returns the new row's id and idempotency key. */
export async function addToOutbox(
  tx: Pick<Db, "insert">,
  input: { actionId: string; ticketId: string; message: OutboxMessage },
): Promise<{ id: string; idempotencyKey: string }> {
  const [row] = await outboxInsert(tx, input).returning({
    id: outbox.id,
    idempotencyKey: outbox.idempotencyKey,
  });
  if (!row) throw new Error("outbox insert returned no row");
  return row;
}

export interface DeliveryListItem {
  id: string;
  actionId: string;
  kind: OutboxMessage["kind"] | null;
  channel: string;
  status: OutboxRow["status"];
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  releaseAt: Date;
  createdAt: Date;
}

/** The ticket page's deliveries, oldest first. */
export async function listDeliveriesForTicket(db: Db, ticketId: string): Promise<DeliveryListItem[]> {
  const rows = await db
    .select({
      id: outbox.id,
      actionId: outbox.actionId,
      kind: sql<string | null>`${outbox.payload}->>'kind'`,
      channel: outbox.channel,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      sentAt: outbox.sentAt,
      releaseAt: outbox.releaseAt,
      createdAt: outbox.createdAt,
    })
    .from(outbox)
    .where(eq(outbox.ticketId, ticketId))
    .orderBy(asc(outbox.createdAt), asc(outbox.id));
  return rows.map((row) => ({
    ...row,
    kind: row.kind === "reply" || row.kind === "escalation" ? row.kind : null,
  }));
}
