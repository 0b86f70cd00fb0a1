import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { agentActions, outbox, tickets } from "@/db/schema";

/**
 * The trace context stored with the rows whose work goes on elsewhere: a
 * ticket keeps its ingest's, an outbox row the decision's. Read only when
 * tracing is on (see tracingActive).
 */
export async function ticketTraceparentOfAction(db: Db, actionId: string): Promise<string | null> {
  const [row] = await db
    .select({ traceparent: tickets.traceparent })
    .from(agentActions)
    .innerJoin(tickets, eq(tickets.id, agentActions.ticketId))
    .where(eq(agentActions.id, actionId));
  return row?.traceparent ?? null;
}

export async function outboxTraceparent(db: Db, outboxId: string): Promise<string | null> {
  const [row] = await db
    .select({ traceparent: outbox.traceparent })
    .from(outbox)
    .where(eq(outbox.id, outboxId));
  return row?.traceparent ?? null;
}

export async function ticketTraceparent(db: Db, ticketId: string): Promise<string | null> {
  const [row] = await db
    .select({ traceparent: tickets.traceparent })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  return row?.traceparent ?? null;
}
