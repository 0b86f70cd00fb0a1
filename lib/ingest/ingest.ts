import { inArray, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { auditLog, customers, type TicketStatus, tickets } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { requestDrafts } from "@/lib/jobs/draft-requests";
import { currentTraceparent, withSpan } from "@/lib/telemetry/spans";
import { triageColumns, triageOf } from "@/lib/triage/run-step";
import { payloadHash } from "./payload-hash";
import type { TicketInput } from "./schemas";

/** Who sent the tickets: an API key (the helpdesk) or a signed-in admin (CSV import). */
export interface IngestPrincipal {
  kind: "api_key" | "user";
  id: string;
}

export type IngestStatus = "created" | "existing" | "conflict";

export interface IngestOutcome {
  externalId: string;
  id: string;
  status: IngestStatus;
  /** The stored ticket's workflow status (to re-queue a replayed ticket that was never drafted). */
  ticketStatus: TicketStatus;
  /** The API key that ingested the stored ticket (null: the UI, an import or the seed). */
  ingestedByKeyId: string | null;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The customer of each ticket: `customerRef` as a customer id or e-mail
 * address; when absent or unknown, the sender's address. One query per batch.
 */
async function matchCustomers(tx: Tx, inputs: TicketInput[]): Promise<(string | null)[]> {
  const ids = new Set<string>();
  const emails = new Set<string>();
  for (const input of inputs) {
    const ref = input.customerRef?.trim();
    if (ref && UUID.test(ref)) ids.add(ref.toLowerCase());
    else if (ref) emails.add(ref.toLowerCase());
    emails.add(input.from.toLowerCase());
  }
  const where: SQL[] = [inArray(sql`lower(${customers.email})`, [...emails])];
  if (ids.size > 0) where.push(inArray(customers.id, [...ids]));
  const rows = await tx
    .select({ id: customers.id, email: customers.email })
    .from(customers)
    .where(or(...where));
  const byId = new Map(rows.map((r) => [r.id.toLowerCase(), r.id]));
  const byEmail = new Map(rows.map((r) => [r.email.toLowerCase(), r.id]));
  return inputs.map((input) => {
    const ref = input.customerRef?.trim().toLowerCase();
    const viaRef = ref ? (UUID.test(ref) ? byId.get(ref) : byEmail.get(ref)) : undefined;
    return viaRef ?? byEmail.get(input.from.toLowerCase()) ?? null;
  });
}

/**
 * Stores tickets idempotently, all in one transaction: a new external id is
 * created; a known one with the same payload (SHA-256 of its canonical JSON)
 * is `existing`; with a different payload it is a `conflict` and left as it
 * is. Safe under concurrency: `insert ... on conflict do nothing` lets the
 * unique index pick one winner, and rows go in sorted by external id so two
 * overlapping batches take their locks in the same order and cannot deadlock.
 * A draft request for each new ticket is stored in the same transaction; the
 * caller enqueues drafting after the commit, and the queue's sweep sends any
 * job that enqueue did not (lib/jobs/draft-requests.ts).
 */
export function ingestTickets(
  db: Db,
  inputs: TicketInput[],
  principal: IngestPrincipal,
  via: "api" | "batch" | "csv" = "api",
): Promise<IngestOutcome[]> {
  const attributes = { "countersign.ingest.via": via, "countersign.ingest.tickets": inputs.length };
  return withSpan("countersign.ingest", { attributes }, async (span) => {
    const outcomes = await storeTickets(db, inputs, principal, via);
    if (outcomes.length === 1 && outcomes[0]) span.setAttribute("countersign.ticket.id", outcomes[0].id);
    return outcomes;
  });
}

async function storeTickets(
  db: Db,
  inputs: TicketInput[],
  principal: IngestPrincipal,
  via: "api" | "batch" | "csv",
): Promise<IngestOutcome[]> {
  if (inputs.length === 0) return [];
  if (new Set(inputs.map((i) => i.externalId)).size !== inputs.length) {
    throw new AppError(
      "bad_request:ticket",
      "Each externalId may appear once per request; remove the repeats.",
    );
  }
  const items = inputs.map((input) => ({ input, hash: payloadHash(input) }));
  const traceparent = currentTraceparent();
  return db.transaction(async (tx) => {
    const customerIds = await matchCustomers(
      tx,
      items.map((i) => i.input),
    );
    const rows = items
      .map(({ input, hash }, index) => ({
        externalId: input.externalId,
        customerId: customerIds[index] ?? null,
        fromEmail: input.from,
        subject: input.subject,
        body: input.body,
        channel: input.channel,
        metadata: input.metadata ?? {},
        ...triageColumns(triageOf(input)),
        payloadHash: hash,
        ingestedByKeyId: principal.kind === "api_key" ? principal.id : null,
        traceparent,
      }))
      .sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
    const inserted = await tx
      .insert(tickets)
      .values(rows)
      .onConflictDoNothing({ target: tickets.externalId })
      .returning({
        id: tickets.id,
        externalId: tickets.externalId,
        status: tickets.status,
        ingestedByKeyId: tickets.ingestedByKeyId,
      });
    const created = new Map(inserted.map((row) => [row.externalId, row]));
    const missing = items.map((i) => i.input.externalId).filter((id) => !created.has(id));
    const stored = missing.length
      ? await tx
          .select({
            id: tickets.id,
            externalId: tickets.externalId,
            status: tickets.status,
            payloadHash: tickets.payloadHash,
            ingestedByKeyId: tickets.ingestedByKeyId,
          })
          .from(tickets)
          .where(inArray(tickets.externalId, missing))
      : [];
    const existing = new Map(stored.map((row) => [row.externalId, row]));

    // The drafting owed for each new ticket commits with it (sent to the queue after the commit).
    await requestDrafts(
      tx,
      inserted.filter((row) => row.status === "new").map((row) => row.id),
    );
    if (inserted.length > 0) {
      const refs = new Map(items.map(({ input }) => [input.externalId, input.customerRef ?? null]));
      await tx.insert(auditLog).values(
        inserted.map((row) => ({
          actorId: principal.id,
          actorType: principal.kind,
          action: "ticket.ingest",
          entityType: "ticket",
          entityId: row.id,
          data: { externalId: row.externalId, via, customerRef: refs.get(row.externalId) ?? null },
        })),
      );
    }

    return items.map(({ input, hash }): IngestOutcome => {
      const fresh = created.get(input.externalId);
      if (fresh)
        return {
          externalId: input.externalId,
          id: fresh.id,
          status: "created",
          ticketStatus: fresh.status,
          ingestedByKeyId: fresh.ingestedByKeyId,
        };
      const old = existing.get(input.externalId);
      if (!old) {
        // Conflicted on insert, gone by the select: deleted in between. Rare; the client's retry settles it.
        throw new AppError(
          "conflict:ticket",
          `The ticket ${input.externalId} changed while it was being stored. Send it again.`,
        );
      }
      return {
        externalId: input.externalId,
        id: old.id,
        // A ticket stored without a hash (seeded, or imported before hashing) cannot be proven equal.
        status: old.payloadHash === hash ? "existing" : "conflict",
        ticketStatus: old.status,
        ingestedByKeyId: old.ingestedByKeyId,
      };
    });
  });
}

/** One ticket; see ingestTickets. */
export async function ingestTicket(
  db: Db,
  input: TicketInput,
  principal: IngestPrincipal,
  via: "api" | "batch" | "csv" = "api",
): Promise<IngestOutcome> {
  const [outcome] = await ingestTickets(db, [input], principal, via);
  if (!outcome) throw new Error("ingestTickets returned no outcome for one ticket");
  return outcome;
}

/** Tickets to hand to the drafting queue: new ones, and replays of ones still waiting for a first draft. */
export function ticketsToDraft(outcomes: IngestOutcome[]): string[] {
  return outcomes.filter((o) => o.status !== "conflict" && o.ticketStatus === "new").map((o) => o.id);
}
