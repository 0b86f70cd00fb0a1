import { and, eq, inArray, lte, ne, sql } from "drizzle-orm";
import { ZodError, z } from "zod";
import type { Db } from "@/db/client";
import { outbox } from "@/db/schema";
import { SpanKind, withSpan } from "@/lib/telemetry/spans";
import * as log from "./channels/log";
import * as smtp from "./channels/smtp";
import * as webhook from "./channels/webhook";
import { type OutboxMessage, type OutboxRow, outboxMessageSchema } from "./outbox";

/** "held": the row is still inside its undo window (or was undone); a later job or the sweep sends it. */
export type DeliveryOutcome = "sent" | "already_sent" | "retry" | "dead" | "held";

/** Attempts before a row is given up as dead. pg-boss retries the job 5 times (6 runs), so the row decides. */
export const DEFAULT_MAX_ATTEMPTS = 5;

type Send = (row: OutboxRow, message: OutboxMessage) => Promise<void>;

const CHANNELS: Record<string, Send> = { log: log.send, webhook: webhook.send, smtp: smtp.send };

/** A failure no retry can fix (a payload that does not parse, a channel that does not exist): dead at once. */
class PermanentDeliveryError extends Error {
  override name = "PermanentDeliveryError";
}

const MAX_ERROR_LENGTH = 1_000;

function describeError(error: unknown): string {
  const text =
    error instanceof ZodError
      ? `Invalid outbox payload: ${z.prettifyError(error).replace(/\s+/g, " ")}`
      : error instanceof Error
        ? error.message
        : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

// One delivery per row at a time in this process: a duplicate job (enqueue plus start-up sweep) waits
// for the first instead of sending alongside it.
const inFlight = new Map<string, Promise<DeliveryOutcome>>();

/**
 * Delivers one outbox row; safe to run any number of times (jobs are at least once).
 *
 * - Claims the row with one UPDATE that counts the attempt; a row that is already
 *   sent or dead is not claimed, and nothing is sent ("already_sent" / "dead").
 * - Sends through the row's channel (the channel chosen when it was queued).
 * - Success: status sent, sentAt now, lastError cleared ("sent").
 * - Failure: status failed with lastError ("retry"; the job runner should throw so
 *   pg-boss retries with backoff), or dead once attempts reach maxAttempts ("dead").
 *
 * A crash after the send but before the row is marked sent means a second send on
 * retry: receivers dedupe by the idempotency key, which is the same on every attempt.
 */
export async function deliverOutboxRow(
  db: Db,
  id: string,
  options: { maxAttempts?: number } = {},
): Promise<DeliveryOutcome> {
  const running = inFlight.get(id);
  if (running) {
    const outcome = await running;
    return outcome === "sent" ? "already_sent" : outcome;
  }
  const delivery = withSpan(
    "countersign.delivery",
    { attributes: { "countersign.outbox.id": id }, kind: SpanKind.PRODUCER },
    async (span) => {
      const outcome = await deliverOnce(db, id, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
      span.setAttribute("countersign.delivery.outcome", outcome);
      return outcome;
    },
  ).finally(() => inFlight.delete(id));
  inFlight.set(id, delivery);
  return delivery;
}

async function deliverOnce(db: Db, id: string, maxAttempts: number): Promise<DeliveryOutcome> {
  const [row] = await db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1` })
    .where(
      and(
        eq(outbox.id, id),
        inArray(outbox.status, ["pending", "failed"]),
        // Never inside the reviewer's undo window: an undo deletes the row before it is released.
        lte(outbox.releaseAt, sql`now()`),
      ),
    )
    .returning();
  if (!row) {
    const [current] = await db
      .select({ status: outbox.status, releaseAt: outbox.releaseAt })
      .from(outbox)
      .where(eq(outbox.id, id));
    if (current?.status === "sent") return "already_sent";
    if (current && current.status !== "dead") return "held";
    // A row that is gone (its ticket deleted, or its decision undone) can never be delivered either.
    return "dead";
  }

  try {
    const message = outboxMessageSchema.parse(row.payload);
    const send = CHANNELS[row.channel];
    if (!send) {
      throw new PermanentDeliveryError(
        `Unknown delivery channel "${row.channel}" (expected one of ${Object.keys(CHANNELS).join(", ")})`,
      );
    }
    await send(row, message);
  } catch (error) {
    const permanent = error instanceof PermanentDeliveryError || error instanceof ZodError;
    const dead = permanent || row.attempts >= maxAttempts;
    await db
      .update(outbox)
      .set({ status: dead ? "dead" : "failed", lastError: describeError(error) })
      // Never undo a success recorded by a concurrent delivery in another process.
      .where(and(eq(outbox.id, id), ne(outbox.status, "sent")));
    return dead ? "dead" : "retry";
  }

  await db
    .update(outbox)
    .set({ status: "sent", sentAt: sql`now()`, lastError: null })
    .where(eq(outbox.id, id));
  return "sent";
}
