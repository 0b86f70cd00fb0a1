import { env } from "@/lib/env";
import type { OutboxMessage, OutboxRow } from "../outbox";

/**
 * The default channel: nothing leaves the building. The message counts as sent
 * (the outbox row is its record, shown on the ticket), which suits demos and
 * development; one line goes to the server log outside tests.
 */
export async function send(row: OutboxRow, message: OutboxMessage): Promise<void> {
  if (env().NODE_ENV === "test") return;
  console.info(
    `outbox: ${message.kind} for ticket ${message.externalId} to ${message.to} (${row.idempotencyKey})`,
  );
}
