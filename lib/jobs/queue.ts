import { asc, eq, inArray } from "drizzle-orm";
import PgBoss from "pg-boss";
import type { DatabaseHandle } from "@/db/client";
import { outbox, tickets } from "@/db/schema";
import { type ReclaimedRun, reclaimExpiredRuns } from "@/lib/agent/reclaim";
import { runAgent } from "@/lib/agent/run";
import { type DeliveryOutcome, deliverOutboxRow } from "@/lib/delivery/deliver";
import { leaseSettings } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { storeRecentDays } from "@/lib/metrics/rollups";
import { traceDraftJob, traceOutboxJob } from "@/lib/telemetry/jobs";

import { sweepDraftRequests } from "./draft-requests";
import { startImportQueue } from "./import-queue";
import { DRAFT_QUEUE, OUTBOX_QUEUE } from "./names";
import { startSlaSweeps } from "./sla-sweeps";
import { workQueue } from "./work-loop";

export { DRAFT_QUEUE, OUTBOX_QUEUE };

export interface OutboxJob {
  outboxId: string;
}

const OUTBOX_RETRY = { retryLimit: 5, retryBackoff: true, retryDelay: 2 } as const;
/** How often a working process re-queues outbox rows still owed (the queue's singleton keys drop duplicates). */
const OUTBOX_SWEEP_MS = 60_000;
/** How often a working process stores the dashboard's newly closed days (the first run after midnight stores yesterday). */
const STORE_DAYS_MS = 10 * 60_000;

export interface DraftJob {
  ticketId: string;
  triggeredBy?: string | null;
  guidance?: string | null;
  demo?: boolean;
}

const globalForJobs = globalThis as unknown as { countersignBoss?: Promise<PgBoss> };

/**
 * pg-boss on the same Postgres as the app (PGlite in embedded mode): queued
 * work survives restarts, is retried with backoff, and is claimed with SKIP
 * LOCKED so several workers can drain one queue.
 */
export async function startQueue(handle: DatabaseHandle, options: { work?: boolean } = {}): Promise<PgBoss> {
  // Expired jobs are handed out again at the queue's maintenance: as often as a lease runs out (at most every 2 min).
  const maintenanceIntervalSeconds = Math.min(120, draftJobExpirySeconds());
  // On PostgreSQL pg-boss keeps a small pool of its own; on PGlite it shares the app's one connection.
  const boss = new PgBoss(
    handle.url
      ? {
          connectionString: handle.url,
          schema: "pgboss",
          schedule: false,
          max: 4,
          maintenanceIntervalSeconds,
        }
      : {
          db: { executeSql: (text: string, values?: unknown[]) => handle.executeSql(text, values) },
          schema: "pgboss",
          schedule: false,
          maintenanceIntervalSeconds,
        },
  );
  boss.on("error", (error) => console.error("job queue:", error.message));
  await boss.start();
  // "short": at most one waiting draft job per ticket (the singleton key), however often it is queued.
  await boss.createQueue(DRAFT_QUEUE, {
    name: DRAFT_QUEUE,
    policy: "short",
    retryLimit: 3,
    retryBackoff: true,
    retryDelay: 5,
    expireInSeconds: draftJobExpirySeconds(),
  });
  if (options.work !== false) {
    workQueue<DraftJob>(boss, DRAFT_QUEUE, { batchSize: 25, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      for (const job of jobs)
        await traceDraftJob(handle.db, job.data.ticketId, () => draftJob(handle, job.data));
    });
  }
  // "short": one waiting job per outbox row (the singleton key), so the enqueue after a decision and
  // the start-up sweep do not pile up duplicates; a row being retried can still get a fresh job.
  await boss.createQueue(OUTBOX_QUEUE, { name: OUTBOX_QUEUE, policy: "short", ...OUTBOX_RETRY });
  if (options.work !== false) {
    workQueue<OutboxJob>(boss, OUTBOX_QUEUE, { batchSize: 10, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      // Each job succeeds or fails on its own: one unreachable receiver does not retry the batch.
      await Promise.all(
        jobs.map(async (job) => {
          try {
            await traceOutboxJob(handle.db, job.data.outboxId, () => outboxJob(handle, job.data));
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            console.warn(`outbox: ${message}`);
            await boss.fail(OUTBOX_QUEUE, job.id, { message });
          }
        }),
      );
    });
  }
  await startImportQueue(handle, boss, {
    work: options.work !== false,
    enqueueDrafts: (ids, triggeredBy) =>
      enqueueDrafts(
        boss,
        ids.map((ticketId) => ({ ticketId, triggeredBy })),
      ),
  });
  // A crash (or a failed enqueue) between a decision's commit and its enqueue must lose nothing:
  // queue every row still owed now, and again every minute while this process works the queues.
  await sweepOutbox(handle, boss);
  if (options.work !== false) {
    const sweepDrafts = () =>
      sweepDraftRequests(handle.db, (ids) =>
        enqueueDrafts(
          boss,
          ids.map((ticketId) => ({ ticketId })),
        ),
      ).catch((error: unknown) =>
        console.error("draft sweep:", error instanceof Error ? error.message : error),
      );
    // Every heartbeat: a run whose process died or lost its database is reclaimed once its lease
    // runs out, and an acknowledged ticket whose job was never queued (a crash or an outage after
    // the commit) is queued, so no ticket waits much longer than a lease.
    let sweeping = false;
    const sweepDrafting = async () => {
      if (sweeping) return; // the previous sweep is still waiting for the database
      sweeping = true;
      await reclaimRuns(handle, boss).catch((error: unknown) =>
        console.error("run reclaim:", error instanceof Error ? error.message : error),
      );
      await sweepDrafts();
      sweeping = false;
    };
    void sweepDrafting();
    const draftTimer = setInterval(() => void sweepDrafting(), leaseSettings().heartbeatSeconds * 1000);
    draftTimer.unref();
    boss.on("stopped", () => clearInterval(draftTimer));
    const timer = setInterval(() => {
      sweepOutbox(handle, boss).catch((error: unknown) =>
        console.error("outbox sweep:", error instanceof Error ? error.message : error),
      );
    }, OUTBOX_SWEEP_MS);
    timer.unref();
    boss.on("stopped", () => clearInterval(timer));
    // The dashboard's closed days are stored ahead of the first page of the day (see lib/metrics/rollups.ts).
    const storeDays = () =>
      storeRecentDays(handle.db).catch((error: unknown) =>
        console.error("dashboard days:", error instanceof Error ? error.message : error),
      );
    void storeDays();
    const daysTimer = setInterval(storeDays, STORE_DAYS_MS);
    daysTimer.unref();
    boss.on("stopped", () => clearInterval(daysTimer));
    // Undecided actions past their group's SLA move to its overflow group; past the hard limit a
    // person gets them by a system escalation (lib/routing/sla.ts).
    startSlaSweeps(handle.db, boss);
  }
  return boss;
}

/** Delivers one outbox row; throws when the delivery should be retried, so pg-boss retries it with backoff. */
export async function outboxJob(handle: DatabaseHandle, job: OutboxJob): Promise<DeliveryOutcome> {
  const outcome = await deliverOutboxRow(handle.db, job.outboxId);
  if (outcome === "retry") throw new Error(`delivery of outbox row ${job.outboxId} failed; will retry`);
  return outcome;
}

/**
 * Queues a delivery for each outbox row (after the decision's transaction commits); `startAfter`
 * is the rows' release time (the reviewer's undo window), so the job does not run before it.
 */
export async function enqueueDeliveries(
  boss: PgBoss,
  outboxIds: string[],
  options: { startAfter?: Date } = {},
): Promise<number> {
  const ids = [...new Set(outboxIds)];
  if (ids.length === 0) return 0;
  await boss.insert(
    ids.map((outboxId) => ({
      name: OUTBOX_QUEUE,
      data: { outboxId } satisfies OutboxJob,
      singletonKey: outboxId,
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...OUTBOX_RETRY,
    })),
  );
  return ids.length;
}

/** Enqueues every outbox row still pending or failed; returns how many. */
export async function sweepOutbox(handle: DatabaseHandle, boss: PgBoss): Promise<number> {
  const rows = await handle.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(inArray(outbox.status, ["pending", "failed"]))
    .orderBy(asc(outbox.createdAt));
  const ids = rows.map((row) => row.id);
  for (let i = 0; i < ids.length; i += 500) await enqueueDeliveries(boss, ids.slice(i, i + 500));
  return ids.length;
}

/**
 * Safe to run twice (at-least-once delivery): a ticket already drafted is left alone, and one
 * being drafted too while its run holds a live lease; a run whose lease ran out is taken over.
 */
export async function draftJob(handle: DatabaseHandle, job: DraftJob): Promise<void> {
  const [ticket] = await handle.db
    .select({ status: tickets.status })
    .from(tickets)
    .where(eq(tickets.id, job.ticketId));
  if (!ticket || (ticket.status !== "new" && ticket.status !== "drafting" && !job.guidance)) return;
  try {
    await runAgent(handle.db, job.ticketId, {
      triggeredBy: job.triggeredBy,
      guidance: job.guidance,
      demo: job.demo,
      // Without guidance the job drafts a ticket nobody has drafted yet; two workers holding the
      // same job (or a job and a person) must not draft it twice.
      onlyFrom: job.guidance ? undefined : ["new", "drafting"],
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "conflict:run") return; // another worker has it
    throw error;
  }
}

export function getQueue(open: () => Promise<DatabaseHandle>, work = true): Promise<PgBoss> {
  if (!globalForJobs.countersignBoss) {
    const starting = open().then((handle) => startQueue(handle, { work }));
    globalForJobs.countersignBoss = starting;
    starting.catch(() => {
      if (globalForJobs.countersignBoss === starting) globalForJobs.countersignBoss = undefined;
    });
  }
  return globalForJobs.countersignBoss;
}

/** Queues a draft for each ticket in one insert; the singleton key keeps one job per ticket in the queue. */
export async function enqueueDrafts(boss: PgBoss, jobs: DraftJob[]): Promise<number> {
  if (jobs.length === 0) return 0;
  await boss.insert(
    jobs.map((data) => ({
      name: DRAFT_QUEUE,
      data,
      singletonKey: data.ticketId,
      retryLimit: 3,
      retryBackoff: true,
      expireInSeconds: draftJobExpirySeconds(),
    })),
  );
  return jobs.length;
}

/**
 * A drafting job held active longer than a run's lease is handed out again: its run, if it
 * still works, holds a live lease and the new attempt does nothing (see draftJob).
 */
function draftJobExpirySeconds(): number {
  return Math.max(1, Math.ceil(leaseSettings().leaseSeconds));
}

/** Reclaims runs past their lease (lib/agent/reclaim.ts) and queues their tickets' drafts; returns how many. */
export async function reclaimRuns(handle: DatabaseHandle, boss: PgBoss): Promise<number> {
  const reclaimed = await reclaimExpiredRuns(handle.db);
  await enqueueReclaimed(boss, reclaimed);
  return reclaimed.length;
}

/** Queues the drafts of reclaimed runs' tickets, with the guidance their run was given. */
export function enqueueReclaimed(boss: PgBoss, reclaimed: ReclaimedRun[]): Promise<number> {
  return enqueueDrafts(
    boss,
    reclaimed.map((r) => ({ ticketId: r.ticketId, guidance: r.guidance, triggeredBy: r.triggeredBy })),
  );
}
