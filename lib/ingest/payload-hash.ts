import { createHash } from "node:crypto";
import type { TicketInput } from "./schemas";

/** JSON with object keys sorted at every level, so equal payloads serialise equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * The identity of an ingest payload: SHA-256 of its canonical JSON. A null and
 * a missing optional field are the same payload.
 */
export function payloadHash(input: TicketInput): string {
  const normalised = {
    externalId: input.externalId,
    subject: input.subject,
    body: input.body,
    from: input.from,
    customerRef: input.customerRef ?? undefined,
    channel: input.channel,
    metadata: input.metadata ?? undefined,
  };
  return createHash("sha256").update(canonicalJson(normalised)).digest("hex");
}
