import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { TICKET_ON_RUN } from "./transitions";

/** What a reclaimed run records as its error. */
export const ABANDONED_RUN_ERROR =
  "Abandoned: the run's lease expired (its process stopped or lost the database); the ticket was queued for drafting again.";

export interface ReclaimedRun {
  runId: string;
  ticketId: string;
  /** The reviewer's guidance and who asked, so the new draft is the one that was asked for. */
  guidance: string | null;
  triggeredBy: string | null;
}

export interface ReclaimOptions {
  /** Only this ticket's run (taking over a ticket about to be drafted). */
  ticketId?: string;
  /** Every running run, live lease or not: at the start of a process that holds the database alone. */
  everyRunning?: boolean;
  /** Record that each ticket is owed a draft (default); off when the caller drafts it at once. */
  requeue?: boolean;
}

/**
 * Closes running runs whose lease ran out as failed with ABANDONED_RUN_ERROR,
 * returns their tickets from `drafting` to `new` and records a draft request
 * for each (lib/jobs/draft-requests.ts), all in one statement. Two reclaimers
 * at once cannot both take a run: the second one's update waits for the
 * first's row lock, then no longer sees the run as running.
 */
export async function reclaimExpiredRuns(db: Db, options: ReclaimOptions = {}): Promise<ReclaimedRun[]> {
  const expired = options.everyRunning ? sql`true` : sql`r.lease_expires_at < now()`;
  const ofTicket = options.ticketId ? sql`and r.ticket_id = ${options.ticketId}::uuid` : sql``;
  const requeue = options.requeue === false ? sql`false` : sql`true`;
  const rows = rowsOf<{
    run_id: string;
    ticket_id: string;
    guidance: string | null;
    triggered_by: string | null;
  }>(
    await db.execute(sql`
      with dead as (
        update agent_runs r set status = 'failed', error = ${ABANDONED_RUN_ERROR}, ended_at = now()
        where r.status = 'running' and ${expired} ${ofTicket}
        returning r.id, r.ticket_id, r.guidance, r.triggered_by
      ), released as (
        update tickets t set status = ${TICKET_ON_RUN.fail}, updated_at = now()
        from dead where t.id = dead.ticket_id and t.status = ${TICKET_ON_RUN.start}
        returning t.id
      ), requested as ( -- runs although nothing reads it, as every data-modifying WITH does
        insert into draft_requests (ticket_id)
        select id from released where ${requeue}
        on conflict (ticket_id) do update set created_at = now(), sweeps = 0
      )
      select dead.id as run_id, dead.ticket_id, dead.guidance, dead.triggered_by from dead`),
  );
  return rows.map((r) => ({
    runId: r.run_id,
    ticketId: r.ticket_id,
    guidance: r.guidance,
    triggeredBy: r.triggered_by,
  }));
}
