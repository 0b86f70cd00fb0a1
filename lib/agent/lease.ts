import { hostname } from "node:os";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { isNotNullViolation, isUniqueViolation } from "@/db/errors";
import { agentRuns, type TicketStatus, tickets } from "@/db/schema";
import { type LeaseSettings, leaseSettings } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { reclaimExpiredRuns } from "./reclaim";
import { TICKET_ON_RUN } from "./transitions";

/**
 * A run's lease: a run is its process's for AGENT_LEASE_SECONDS at a time, and
 * a heartbeat renews the lease every AGENT_HEARTBEAT_SECONDS while the run
 * works. A run whose process died or lost its database stops renewing; once
 * its lease has run out the run is reclaimed (lib/agent/reclaim.ts) and its
 * ticket drafted again. Times come from the database's clock, so processes on
 * several machines agree.
 */

/** Who holds a lease: this machine and process (stored on the run, for an operator). */
export const LEASE_OWNER = `${hostname()}:${process.pid}`;

const expiresAfter = (settings: LeaseSettings) =>
  sql`now() + make_interval(secs => ${settings.leaseSeconds})`;

type NewRun = Omit<typeof agentRuns.$inferInsert, "leaseOwner" | "heartbeatAt" | "leaseExpiresAt">;

/**
 * Stores a new running run holding a fresh lease, and marks its ticket as
 * being drafted (with `ticketColumns`, e.g. its triage reading), in one transaction. The database allows one
 * running run per ticket: when the ticket's running run has lost its lease it
 * is taken over (closed as abandoned) and the new run starts; while that run's
 * lease is live the ticket is refused.
 */
export async function openRun(
  db: Db,
  values: NewRun,
  ticketColumns: Partial<typeof tickets.$inferInsert> = {},
  settings = leaseSettings(),
  onlyFrom?: readonly TicketStatus[],
): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      // The ticket shows as drafting exactly while a run holds it: a reclaim never finds one without the
      // other. One statement, so one atomic step: the ticket moves to drafting and the run takes the
      // ticket id the update returned; when the update finds no ticket to take (a queued draft whose
      // ticket another run drafted meanwhile) the run's ticket is null and the whole statement fails.
      const claimed = db.$with("claimed").as(
        db
          .update(tickets)
          .set({ ...ticketColumns, status: TICKET_ON_RUN.start, updatedAt: new Date() })
          .where(
            onlyFrom
              ? and(eq(tickets.id, values.ticketId), inArray(tickets.status, [...onlyFrom]))
              : eq(tickets.id, values.ticketId),
          )
          .returning({ id: tickets.id }),
      );
      const [run] = await db
        .with(claimed)
        .insert(agentRuns)
        .values({
          ...values,
          ticketId: sql`(select "id" from ${claimed})`,
          leaseOwner: LEASE_OWNER,
          heartbeatAt: sql`now()`,
          leaseExpiresAt: expiresAfter(settings),
        })
        .returning({ id: agentRuns.id });
      return run?.id ?? "";
    } catch (error) {
      if (isNotNullViolation(error)) {
        throw new AppError("conflict:run", "This ticket was drafted meanwhile: nothing to do.");
      }
      if (!isUniqueViolation(error)) throw error;
      const takenOver =
        attempt === 0 &&
        (await reclaimExpiredRuns(db, { ticketId: values.ticketId, requeue: false })).length > 0;
      if (!takenOver) {
        throw new AppError(
          "conflict:run",
          "The agent is already drafting this ticket. Wait for that run to finish.",
        );
      }
    }
  }
}

export interface HeldLease {
  /** Stops the heartbeat (the run finished or failed). */
  release: () => void;
}

/**
 * Renews the run's lease every heartbeat while it works. A renewal that fails
 * (the database is away) is logged and tried again at the next beat; if the
 * database stays away past the lease, the run is reclaimed by whoever sees it
 * first, and this process's late result is refused (lib/agent/run-persist.ts).
 */
export function holdLease(db: Db, runId: string, settings = leaseSettings()): HeldLease {
  let renewing = false;
  const renew = async () => {
    if (renewing) return;
    renewing = true;
    try {
      await db
        .update(agentRuns)
        .set({ heartbeatAt: sql`now()`, leaseExpiresAt: expiresAfter(settings) })
        .where(and(eq(agentRuns.id, runId), eq(agentRuns.status, "running")));
    } catch (error) {
      console.warn(`agent run ${runId}: lease not renewed:`, error instanceof Error ? error.message : error);
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(() => void renew(), settings.heartbeatSeconds * 1000);
  timer.unref();
  return { release: () => clearInterval(timer) };
}
