import { eq } from "drizzle-orm";
import PgBoss from "pg-boss";
import type { DatabaseHandle } from "@/db/client";
import { tickets } from "@/db/schema";
import { runAgent } from "@/lib/agent/run";
import { AppError } from "@/lib/errors";

export const DRAFT_QUEUE = "draft-ticket";

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
  // On PostgreSQL pg-boss keeps a small pool of its own; on PGlite it shares the app's one connection.
  const boss = new PgBoss(
    handle.url
      ? { connectionString: handle.url, schema: "pgboss", schedule: false, max: 4 }
      : {
          db: { executeSql: (text: string, values?: unknown[]) => handle.executeSql(text, values) },
          schema: "pgboss",
          schedule: false,
        },
  );
  boss.on("error", (error) => console.error("job queue:", error.message));
  await boss.start();
  await boss.createQueue(DRAFT_QUEUE, {
    name: DRAFT_QUEUE,
    retryLimit: 3,
    retryBackoff: true,
    retryDelay: 5,
  });
  if (options.work !== false) {
    await boss.work<DraftJob>(DRAFT_QUEUE, { batchSize: 25, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      for (const job of jobs) await draftJob(handle, job.data);
    });
  }
  return boss;
}

/** Safe to run twice (at-least-once delivery): a ticket already drafted or being drafted is left alone. */
export async function draftJob(handle: DatabaseHandle, job: DraftJob): Promise<void> {
  const [ticket] = await handle.db
    .select({ status: tickets.status })
    .from(tickets)
    .where(eq(tickets.id, job.ticketId));
  if (!ticket || (ticket.status !== "new" && !job.guidance)) return;
  try {
    await runAgent(handle.db, job.ticketId, {
      triggeredBy: job.triggeredBy,
      guidance: job.guidance,
      demo: job.demo,
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
    })),
  );
  return jobs.length;
}
