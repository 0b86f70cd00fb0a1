/**
 * Runs once when the server starts: opens the database, closes runs a crashed
 * process left behind, and starts the job queue so queued drafts continue.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { getDatabase } = await import("@/db");
  const { closeInterruptedRuns } = await import("@/lib/agent/run");
  const { getQueue } = await import("@/lib/jobs/queue");
  const { appWorksQueue, databaseKind } = await import("@/lib/env");
  try {
    const { db } = await getDatabase();
    // Embedded: this process holds the database, so any running run is an orphan. Shared: only stale ones.
    const closed = await closeInterruptedRuns(db, databaseKind() === "pglite" ? 0 : 10 * 60_000);
    if (closed > 0) console.log(`Closed ${closed} interrupted agent run(s); their tickets can be redrafted.`);
    await getQueue(getDatabase, appWorksQueue());
  } catch (error) {
    console.error("Startup failed:", error instanceof Error ? error.message : error);
  }
}
