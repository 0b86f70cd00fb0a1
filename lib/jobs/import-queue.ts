import type PgBoss from "pg-boss";
import type { DatabaseHandle } from "@/db/client";
import { leaseSettings } from "@/lib/env";
import { runImportJob, sweepImportJobs } from "@/lib/imports/run-import";
import { IMPORT_QUEUE } from "./names";
import { workQueue } from "./work-loop";

export interface ImportJob {
  importId: string;
}

/** An import of 1,000 rows takes well under this; a job held longer is handed out again (and resumes). */
const IMPORT_EXPIRY_SECONDS = 10 * 60;
const IMPORT_RETRY = { retryLimit: 5, retryBackoff: true, retryDelay: 5 } as const;

/** Sends an import's job; the singleton key keeps one waiting job per import. */
export async function enqueueImports(boss: PgBoss, importIds: string[]): Promise<void> {
  if (importIds.length === 0) return;
  await boss.insert(
    importIds.map((importId) => ({
      name: IMPORT_QUEUE,
      data: { importId } satisfies ImportJob,
      singletonKey: importId,
      expireInSeconds: IMPORT_EXPIRY_SECONDS,
      ...IMPORT_RETRY,
    })),
  );
}

/**
 * Creates the import queue and, in a working process, works it and sweeps
 * accepted imports whose job was never sent (a crash between the upload's
 * commit and the enqueue) every heartbeat.
 */
export async function startImportQueue(
  handle: DatabaseHandle,
  boss: PgBoss,
  options: {
    work: boolean;
    enqueueDrafts: (ticketIds: string[], triggeredBy: string | null) => Promise<unknown>;
  },
): Promise<void> {
  await boss.createQueue(IMPORT_QUEUE, {
    name: IMPORT_QUEUE,
    policy: "short",
    expireInSeconds: IMPORT_EXPIRY_SECONDS,
    ...IMPORT_RETRY,
  });
  if (!options.work) return;
  workQueue<ImportJob>(boss, IMPORT_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => {
    for (const job of jobs)
      await runImportJob(handle.db, job.data.importId, { enqueueDrafts: options.enqueueDrafts });
  });
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    await sweepImportJobs(handle.db, (ids) => enqueueImports(boss, ids), leaseSettings().leaseSeconds)
      .catch((error: unknown) =>
        console.error("import sweep:", error instanceof Error ? error.message : error),
      )
      .finally(() => {
        sweeping = false;
      });
  };
  void sweep();
  const timer = setInterval(() => void sweep(), leaseSettings().heartbeatSeconds * 1000);
  timer.unref();
  boss.on("stopped", () => clearInterval(timer));
}
