import { createTransport } from "nodemailer";
import { ConfigError, env } from "@/lib/env";
import type { OutboxMessage, OutboxRow } from "../outbox";

const SMTP_TIMEOUT_MS = 10_000;

/** Subject and text of the email; escalations carry the team and reason. */
export function composeEmail(message: OutboxMessage): { subject: string; text: string } {
  if (message.kind === "reply") return { subject: message.subject, text: message.text ?? "" };
  const lines = [
    `Ticket ${message.externalId} was escalated to ${message.team ?? "another team"}.`,
    `Reason: ${message.reason ?? "(none given)"}`,
  ];
  if (message.note) lines.push(`Note: ${message.note}`);
  if (message.text) lines.push("", message.text);
  return {
    subject: `[Escalation: ${message.team ?? "unassigned"}] ${message.subject}`,
    text: lines.join("\n"),
  };
}

/**
 * Sends the message by email through SMTP_URL. The idempotency key travels in a
 * header so a repeat (delivery is at least once) can be recognised downstream.
 */
export async function send(row: OutboxRow, message: OutboxMessage): Promise<void> {
  const { SMTP_URL, SMTP_FROM } = env();
  if (!SMTP_URL) {
    throw new ConfigError(
      "SMTP_URL is not set: DELIVERY_CHANNEL=smtp needs a server, e.g. smtp://user:pass@host:587.",
    );
  }
  // The URL as given, with bounded waits so a silent server cannot hold a job for minutes.
  const transport = createTransport({
    url: SMTP_URL,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: 3 * SMTP_TIMEOUT_MS,
  });
  try {
    const { subject, text } = composeEmail(message);
    await transport.sendMail({
      from: SMTP_FROM,
      to: message.to,
      subject,
      text,
      headers: { "X-Countersign-Idempotency-Key": row.idempotencyKey },
    });
  } finally {
    transport.close();
  }
}
