import { createHmac, timingSafeEqual } from "node:crypto";
import { ConfigError, env } from "@/lib/env";
import type { OutboxMessage, OutboxRow } from "../outbox";

export const WEBHOOK_TIMEOUT_MS = 10_000;

/** `sha256=<hex>`: HMAC-SHA256 of the exact request body, keyed with WEBHOOK_SECRET. */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/**
 * For receivers (and tests): checks an `X-Countersign-Signature` header against
 * the raw body, in constant time. Accepts the header with or without `sha256=`.
 */
export function verifyWebhookSignature(body: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(signWebhookBody(body, secret), "utf8");
  const given = Buffer.from(signature.startsWith("sha256=") ? signature : `sha256=${signature}`, "utf8");
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

/**
 * POSTs the message as JSON to WEBHOOK_URL, signed, with the outbox row's
 * idempotency key: the same key on every retry, so the receiver can drop
 * repeats (delivery is at least once). Anything but a 2xx is a failure.
 */
export async function send(row: OutboxRow, message: OutboxMessage): Promise<void> {
  const { WEBHOOK_URL, WEBHOOK_SECRET } = env();
  if (!WEBHOOK_URL) {
    throw new ConfigError("WEBHOOK_URL is not set: DELIVERY_CHANNEL=webhook needs the receiver's URL.");
  }
  if (!WEBHOOK_SECRET) {
    throw new ConfigError(
      "WEBHOOK_SECRET is not set: DELIVERY_CHANNEL=webhook signs each request; set it to 16+ random characters.",
    );
  }
  const now = new Date();
  const body = JSON.stringify({
    id: row.id,
    idempotencyKey: row.idempotencyKey,
    ticketId: message.ticketId,
    externalId: message.externalId,
    kind: message.kind,
    to: message.to,
    subject: message.subject,
    text: message.text,
    team: message.team,
    reason: message.reason,
    note: message.note,
    sentAt: now.toISOString(),
  });
  let response: Response;
  try {
    response = await fetch(WEBHOOK_URL, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": row.idempotencyKey,
        "X-Countersign-Signature": signWebhookBody(body, WEBHOOK_SECRET),
        "X-Countersign-Timestamp": String(Math.floor(now.getTime() / 1000)),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (error) {
    if (error instanceof Error && error.name === "TimeoutError") {
      throw new Error(`Webhook timed out after ${WEBHOOK_TIMEOUT_MS / 1000} s`);
    }
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    throw new Error(
      `Webhook request failed: ${error instanceof Error ? error.message : String(error)}${cause}`,
    );
  }
  if (response.status < 200 || response.status >= 300) {
    const excerpt = (await response.text().catch(() => "")).replace(/\s+/g, " ").trim().slice(0, 200);
    throw new Error(
      `Webhook responded ${response.status}${response.statusText ? ` ${response.statusText}` : ""}` +
        (excerpt ? `: ${excerpt}` : ""),
    );
  }
  // Delivered: the receiver's answer is not needed, and failing to discard it changes nothing.
  await response.body?.cancel().catch(() => undefined);
}
