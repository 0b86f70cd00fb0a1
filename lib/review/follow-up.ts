import { and, asc, eq, ne, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import { outbox } from "@/db/schema";
import { AppError } from "@/lib/errors";

export interface SentReply {
  outboxId: string;
  actionId: string;
  text: string;
  status: string;
  queuedAt: Date;
}

/** Outbox rows that are replies to the ticket's customer, other than `exceptActionId`'s: a value or a column each. */
function sentRepliesWhere(
  ticketId: string | AnyPgColumn,
  exceptActionId?: string | AnyPgColumn,
): SQL | undefined {
  return and(
    eq(outbox.ticketId, ticketId),
    sql`${outbox.payload}->>'kind' = 'reply'`,
    exceptActionId ? ne(outbox.actionId, exceptActionId) : undefined,
  );
}

/** Whether the customer of the action's ticket was already sent (or queued) a reply by another action, in SQL. */
export function repliedBeforeSql(action: { ticketId: AnyPgColumn; id: AnyPgColumn }): SQL<boolean> {
  return sql<boolean>`exists (select 1 from ${outbox} where ${sentRepliesWhere(action.ticketId, action.id)})`;
}

/**
 * The replies this ticket's customer has already been sent (or that are queued
 * to be sent), oldest first, other than `exceptActionId`'s. A new reply on such
 * a ticket is a follow-up: it goes out only when the reviewer says so.
 */
export async function repliesAlreadySent(
  db: Pick<Db, "select">,
  ticketId: string,
  exceptActionId?: string,
): Promise<SentReply[]> {
  const rows = await db
    .select({
      outboxId: outbox.id,
      actionId: outbox.actionId,
      text: sql<string>`coalesce(${outbox.payload}->>'text', '')`,
      status: outbox.status,
      queuedAt: outbox.createdAt,
    })
    .from(outbox)
    .where(sentRepliesWhere(ticketId, exceptActionId))
    .orderBy(asc(outbox.createdAt));
  return rows;
}

/**
 * Refuses a second reply to a customer unless the reviewer confirmed it is a
 * follow-up to what was already sent: the earlier reply can never be resent
 * unnoticed, whatever the client shows.
 */
export async function checkFollowUp(
  db: Pick<Db, "select">,
  ticketId: string,
  actionId: string,
  acknowledged: boolean,
): Promise<void> {
  if (acknowledged) return;
  const sent = await repliesAlreadySent(db, ticketId, actionId);
  const last = sent.at(-1);
  if (!last) return;
  throw new AppError(
    "conflict:follow_up",
    `This customer already got a reply on ${last.queuedAt.toISOString().slice(0, 16).replace("T", " ")} UTC. Read it on the ticket, then tick "Send as a follow-up" to send this one as well, or reject this draft.`,
    { alreadySent: sent.length },
  );
}
