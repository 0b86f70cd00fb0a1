import { and, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { customers, orders, type TicketStatus, tickets } from "../schema";

export interface TicketCursor {
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: TicketCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString("base64url");
}

export function decodeCursor(value: string): TicketCursor | null {
  const [createdAt, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt))) return null;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}

export interface ListTicketsOptions {
  status?: TicketStatus;
  /** A substring of the external id, subject or sender, any case (trigram indexes serve all three). */
  q?: string;
  cursor?: TicketCursor | null;
  limit?: number;
  /** An extra condition on `tickets` built by the caller (e.g. a metrics dashboard link). */
  matching?: SQL;
}

/**
 * Newest first, keyset-paginated on (created_at, id) so deep pages cost the same as the first. A
 * ticket whose external id is exactly the search (any case) leads the first page and is left out
 * of the later ones, so searching an id opens on that ticket rather than on ids that contain it.
 */
export async function listTickets(db: Db, { status, q, cursor, limit = 25, matching }: ListTicketsOptions) {
  const where: SQL[] = [];
  const exact = q ? sql`lower(coalesce(${tickets.externalId}, '')) = lower(${q})` : null;
  if (exact && cursor) where.push(sql`not (${exact})`);
  if (status) where.push(eq(tickets.status, status));
  if (matching) where.push(matching);
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, "\\$&")}%`;
    where.push(
      or(
        ilike(tickets.externalId, like),
        ilike(tickets.subject, like),
        ilike(tickets.fromEmail, like),
      ) as SQL,
    );
  }
  if (cursor) {
    where.push(
      sql`(${tickets.createdAt}, ${tickets.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  const rows = await db
    .select({
      id: tickets.id,
      externalId: tickets.externalId,
      subject: tickets.subject,
      status: tickets.status,
      intent: tickets.intent,
      channel: tickets.channel,
      createdAt: tickets.createdAt,
      customerName: customers.name,
      customerEmail: sql<string>`coalesce(${customers.email}, ${tickets.fromEmail})`,
    })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(...(exact ? [desc(exact)] : []), desc(tickets.createdAt), desc(tickets.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  // The next page starts after the last row of the newest-first run: the exact match is not part of it.
  const isExact = (t: (typeof page)[number]) =>
    q !== undefined && t.externalId?.toLowerCase() === q.toLowerCase();
  const last = page.filter((t) => !isExact(t)).at(-1);
  const nextCursor =
    rows.length > limit
      ? encodeCursor(
          last
            ? { createdAt: last.createdAt.toISOString(), id: last.id }
            : { createdAt: "9999-12-31T00:00:00.000Z", id: "ffffffff-ffff-ffff-ffff-ffffffffffff" },
        )
      : null;
  return { tickets: page, nextCursor };
}

export async function countTicketsByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: tickets.status, count: sql<number>`count(*)::int` })
    .from(tickets)
    .groupBy(tickets.status);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
}

export async function getTicketWithContext(db: Db, id: string) {
  const [ticket] = await db.select().from(tickets).where(eq(tickets.id, id)).limit(1);
  if (!ticket) return null;
  const customer = ticket.customerId
    ? ((await db.select().from(customers).where(eq(customers.id, ticket.customerId)).limit(1))[0] ?? null)
    : null;
  const customerOrders = customer
    ? await db.select().from(orders).where(eq(orders.customerId, customer.id)).orderBy(desc(orders.placedAt))
    : [];
  return { ticket, customer, orders: customerOrders };
}

/**
 * "Draft all new" reads the tickets it queues and the counts shown beside it
 * from one snapshot, so its answer and the status filters never disagree: a
 * ticket waiting for a first draft is one whose status is `new`, here as in
 * the counts (a ticket with a drafting job already queued is still `new`).
 */
export async function newTicketsWithCounts(
  db: Db,
): Promise<{ ids: string[]; counts: Record<string, number> }> {
  return db.transaction(
    async (tx) => {
      const fresh = await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.status, "new"));
      const counts = await countTicketsByStatus(tx as unknown as Db);
      return { ids: fresh.map((t) => t.id), counts };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
