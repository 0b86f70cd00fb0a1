import { and, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import { ZodError, z } from "zod";
import type { Db } from "@/db/client";
import { outbox } from "@/db/schema";
import { SpanKind, withSpan } from "@/lib/telemetry/spans";
import * as log from "./channels/log";
import * as smtp from "./channels/smtp";
import * as webhook from "./channels/webhook";
import { type OutboxMessage, type OutboxRow, outboxMessageSchema } from "./outbox";

/**
 * "held": the row is still inside its undo window (or was undone); a later job or the sweep sends it.
 * "claimed": another delivery (in this process or another) is sending it now.
 */
export type DeliveryOutcome = "sent" | "already_sent" | "retry" | "dead" | "held" | "claimed";

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

/**
 * How long a claim keeps other deliveries off a row: longer than any channel may take (the webhook
 * gives up after 10 s, SMTP after its connect, greeting and socket timeouts), with a wide margin.
 * A claim whose process died lapses after this, and the next job or the outbox sweep retries the row.
 */
export const DELIVERY_CLAIM_SECONDS = 120;

/**
 * Delivers one outbox row; safe to run any number of times, in any number of processes at once
 * (jobs are at least once, and the outbox sweep may queue a row whose job is still running elsewhere).
 *
 * - Claims the row with one conditional UPDATE that counts the attempt and sets a lease
 *   (`claimed_until`): only a released row that is pending or failed and not claimed (or whose
 *   claim lapsed) matches, so one caller wins; the others send nothing ("claimed" while the lease
 *   runs, "already_sent" / "dead" / "held" otherwise). No row lock is held across the send.
 * - Sends through the row's channel (the channel chosen when it was queued).
 * - Success: status sent, sentAt now, lastError and the claim cleared ("sent").
 * - Failure: status failed with lastError and the claim cleared ("retry"; the job runner should
 *   throw so pg-boss retries with backoff), or dead once attempts reach maxAttempts ("dead").
 *
 * A crash after the send but before the row is marked sent means a second send once the claim
 * lapses: receivers dedupe by the idempotency key, which is the same on every attempt.
 */
export async function deliverOutboxRow(
  db: Db,
  id: string,
  options: { maxAttempts?: number } = {},
): Promise<DeliveryOutcome> {
  return withSpan(
    "countersign.delivery",
    { attributes: { "countersign.outbox.id": id }, kind: SpanKind.PRODUCER },
    async (span) => {
      const outcome = await deliverOnce(db, id, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
      span.setAttribute("countersign.delivery.outcome", outcome);
      return outcome;
    },
  );
}

async function deliverOnce(db: Db, id: string, maxAttempts: number): Promise<DeliveryOutcome> {
  const [row] = await db
    .update(outbox)
    .set({
      attempts: sql`${outbox.attempts} + 1`,
      // Whole milliseconds, so the claim reads back equal to what is stored (the outcome is stored under it).
      claimedUntil: sql`date_trunc('milliseconds', now() + make_interval(secs => ${sql.raw(String(DELIVERY_CLAIM_SECONDS))}))`,
    })
    .where(
      and(
        eq(outbox.id, id),
        inArray(outbox.status, ["pending", "failed"]),
        // Never inside the reviewer's undo window: an undo deletes the row before it is released.
        lte(outbox.releaseAt, sql`now()`),
        or(isNull(outbox.claimedUntil), lte(outbox.claimedUntil, sql`now()`)),
      ),
    )
    .returning();
  if (!row) {
    const [current] = await db
      .select({ status: outbox.status, releaseAt: outbox.releaseAt, claimedUntil: outbox.claimedUntil })
      .from(outbox)
      .where(eq(outbox.id, id));
    if (current?.status === "sent") return "already_sent";
    if (current?.claimedUntil && current.claimedUntil.getTime() > Date.now()) return "claimed";
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
      .set({ status: dead ? "dead" : "failed", lastError: describeError(error), claimedUntil: null })
      // Only under this delivery's own claim: a claim that lapsed and was taken again belongs to the
      // new sender, and a success it recorded is never undone.
      .where(
        and(eq(outbox.id, id), eq(outbox.claimedUntil, row.claimedUntil as Date), ne(outbox.status, "sent")),
      );
    return dead ? "dead" : "retry";
  }

  await db
    .update(outbox)
    .set({ status: "sent", sentAt: sql`now()`, lastError: null, claimedUntil: null })
    .where(eq(outbox.id, id));
  return "sent";
}
