import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { DRAFT_QUEUE, OUTBOX_QUEUE } from "./names";

/** A run still `running` after this long has lost its process (runs take seconds). */
export const STALE_RUN_MINUTES = 10;

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
  /** Runs still `running` after STALE_RUN_MINUTES: their process died or lost its database. */
  staleRuns: number;
  /** Jobs held active past their expiry (their worker is gone); the queue hands them out again. */
  expiredJobs: number;
}

interface Row {
  undrafted: string | number | null;
  undelivered: string | number | null;
  stale_runs: string | number;
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
        (select count(*) from agent_runs
           where status = 'running' and started_at < now() - make_interval(mins => ${STALE_RUN_MINUTES})) as stale_runs,
        to_regclass('pgboss.job') is not null as has_queue`),
  );
  const backlog: Backlog = {
    queueDepth: { drafting: 0, delivery: 0 },
    oldestUndraftedTicketSeconds: seconds(row?.undrafted ?? null),
    oldestUndeliveredOutboxSeconds: seconds(row?.undelivered ?? null),
    staleRuns: Number(row?.stale_runs ?? 0),
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
