import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { draftRequests } from "@/db/schema";
import { leaseSettings } from "@/lib/env";

/** After this many re-sends a request is left alone: its ticket shows in health as undrafted. */
export const MAX_DRAFT_SWEEPS = 10;

/**
 * Records, inside the transaction that stores the tickets, that each one is
 * owed a drafting. Whatever happens between the commit and the queue's insert
 * (a crash, a lost connection), the sweep below sends the job.
 */
export async function requestDrafts(tx: Pick<Db, "insert">, ticketIds: string[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await tx
    .insert(draftRequests)
    .values(ticketIds.map((ticketId) => ({ ticketId })))
    .onConflictDoNothing();
}

export interface DraftSweep {
  /** Requests whose ticket was drafted (or decided), now forgotten. */
  settled: number;
  /** Tickets still `new`, with no run working on them, whose job was sent again. */
  queued: number;
}

/**
 * Forgets requests whose ticket moved on, and re-sends the drafting job of
 * every ticket still `new` past the grace period (a lease: a request younger
 * than that is left to the enqueue that follows its commit) (the queue's singleton key
 * keeps one waiting job per ticket, so a job already queued is not doubled).
 */
export async function sweepDraftRequests(
  db: Db,
  enqueue: (ticketIds: string[]) => Promise<unknown>,
  graceSeconds = leaseSettings().leaseSeconds,
): Promise<DraftSweep> {
  const settled = rowsOf<{ ticket_id: string }>(
    await db.execute(sql`
      delete from draft_requests r using tickets t
      where t.id = r.ticket_id and t.status not in ('new', 'drafting')
      returning r.ticket_id`),
  ).length;
  const owed = rowsOf<{ ticket_id: string }>(
    await db.execute(sql`
      update draft_requests r set sweeps = r.sweeps + 1
      from tickets t
      where t.id = r.ticket_id and t.status = 'new'
        and r.created_at <= now() - make_interval(secs => ${graceSeconds})
        and r.sweeps < ${MAX_DRAFT_SWEEPS}
        and not exists (select 1 from agent_runs a where a.ticket_id = r.ticket_id and a.status = 'running')
      returning r.ticket_id`),
  ).map((r) => r.ticket_id);
  for (let i = 0; i < owed.length; i += 500) await enqueue(owed.slice(i, i + 500));
  return { settled, queued: owed.length };
}
