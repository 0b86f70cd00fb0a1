import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { DRAFT_QUEUE, OUTBOX_QUEUE } from "./names";

/**
 * What an operator needs to see whether work is flowing: how much is queued,
 * how long the oldest owed work has waited, and how much is stuck. Ages are in
 * whole seconds (null when nothing is waiting).
 */
export interface Backlog {
  /** Drafting and delivery jobs waiting to be worked (queued or waiting to retry). */
  queueDepth: { drafting: number; delivery: number };
  /** The oldest ticket still `new` (not drafted yet). */
  oldestUndraftedTicketSeconds: number | null;
  /** The oldest outbox row not yet delivered (pending or failed, not dead). */
  oldestUndeliveredOutboxSeconds: number | null;
  /**
   * Runs still `running` whose lease ran out (lib/agent/lease.ts): their process died or lost its
   * database. The queue reclaims them within a heartbeat and redrafts their tickets, so a number
   * that stays above 0 means no process works the queue.
   */
  expiredLeases: number;
  /** The same count as expiredLeases, under its earlier name. */
  staleRuns: number;
  /** Jobs held active past their expiry (their worker is gone); the queue hands them out again. */
  expiredJobs: number;
}

interface Row {
  undrafted: string | number | null;
  undelivered: string | number | null;
  expired_leases: string | number;
  has_queue: boolean;
}

function seconds(value: string | number | null): number | null {
  return value === null ? null : Math.max(0, Math.round(Number(value)));
}

/** One read for the figures kept by the app's tables, one for the job queue's (when it exists). */
export async function readBacklog(db: Db): Promise<Backlog> {
  const [row] = rowsOf<Row>(
    await db.execute(sql`
      select
        (select extract(epoch from now() - min(created_at)) from tickets where status = 'new') as undrafted,
        (select extract(epoch from now() - min(created_at)) from outbox where status in ('pending', 'failed')) as undelivered,
        (select count(*) from agent_runs where status = 'running' and lease_expires_at < now()) as expired_leases,
        to_regclass('pgboss.job') is not null as has_queue`),
  );
  const backlog: Backlog = {
    queueDepth: { drafting: 0, delivery: 0 },
    oldestUndraftedTicketSeconds: seconds(row?.undrafted ?? null),
    oldestUndeliveredOutboxSeconds: seconds(row?.undelivered ?? null),
    expiredLeases: Number(row?.expired_leases ?? 0),
    staleRuns: Number(row?.expired_leases ?? 0),
    expiredJobs: 0,
  };
  if (!row?.has_queue) return backlog;
  const jobs = rowsOf<{ name: string; waiting: string | number; expired: string | number }>(
    await db.execute(sql`
      select name,
             count(*) filter (where state in ('created', 'retry')) as waiting,
             count(*) filter (where state = 'active' and started_on + expire_in < now()) as expired
      from pgboss.job
      where name in (${DRAFT_QUEUE}, ${OUTBOX_QUEUE}) and state in ('created', 'retry', 'active')
      group by name`),
  );
  for (const j of jobs) {
    if (j.name === DRAFT_QUEUE) backlog.queueDepth.drafting = Number(j.waiting);
    if (j.name === OUTBOX_QUEUE) backlog.queueDepth.delivery = Number(j.waiting);
    backlog.expiredJobs += Number(j.expired);
  }
  return backlog;
}
