import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { agentActions, reviews, tickets } from "@/db/schema";
import { listDeliveriesForTicket } from "@/lib/delivery/outbox";
import type { TicketStatusResponse } from "./schemas";

/** The ticket page's address, absolute, for API answers. */
export function ticketUrl(origin: string, id: string): string {
  return `${origin}/tickets/${id}`;
}

/**
 * What the helpdesk polls for: the ticket's status, every action the agent
 * proposed (superseded ones included, marked so), the human decisions and
 * the delivery of what was approved. Null when there is no such ticket.
 */
/** The API key that ingested a ticket; null when none did or there is no such ticket. */
export async function ticketIngestedBy(db: Db, id: string): Promise<string | null> {
  const [row] = await db
    .select({ keyId: tickets.ingestedByKeyId })
    .from(tickets)
    .where(eq(tickets.id, id))
    .limit(1);
  return row?.keyId ?? null;
}

export async function getTicketStatus(
  db: Db,
  id: string,
  origin: string,
): Promise<TicketStatusResponse | null> {
  const [ticket] = await db
    .select({
      id: tickets.id,
      externalId: tickets.externalId,
      status: tickets.status,
      subject: tickets.subject,
      channel: tickets.channel,
      createdAt: tickets.createdAt,
      updatedAt: tickets.updatedAt,
    })
    .from(tickets)
    .where(eq(tickets.id, id))
    .limit(1);
  if (!ticket) return null;
  const [actions, decisions, deliveries] = await Promise.all([
    db
      .select()
      .from(agentActions)
      .where(eq(agentActions.ticketId, id))
      .orderBy(asc(agentActions.createdAt), asc(agentActions.id)),
    db
      .select({
        actionId: reviews.actionId,
        decision: reviews.decision,
        finalText: reviews.finalText,
        reason: reviews.reason,
        createdAt: reviews.createdAt,
      })
      .from(reviews)
      .where(eq(reviews.ticketId, id))
      .orderBy(asc(reviews.createdAt)),
    listDeliveriesForTicket(db, id),
  ]);
  return {
    ...ticket,
    url: ticketUrl(origin, ticket.id),
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
    actions: actions.map((a) => ({
      id: a.id,
      kind: a.kind,
      status: a.status,
      payload: a.payload as TicketStatusResponse["actions"][number]["payload"],
      blockedBy: a.blockedBy,
      blockedReason: a.blockedReason,
      createdAt: a.createdAt.toISOString(),
    })),
    decisions: decisions.map((d) => ({
      actionId: d.actionId,
      decision: d.decision,
      finalText: d.finalText,
      reason: d.reason,
      decidedAt: d.createdAt.toISOString(),
    })),
    delivery: deliveries.map((d) => ({
      actionId: d.actionId,
      kind: d.kind,
      channel: d.channel,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      sentAt: d.sentAt?.toISOString() ?? null,
    })),
  };
}
