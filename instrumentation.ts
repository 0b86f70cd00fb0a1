/**
 * Runs once when the server starts: starts tracing (when configured), opens the
 * database, starts the job queue so queued drafts continue, and reclaims runs a
 * crashed process left behind.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  // Traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; nothing is loaded otherwise.
  const { startTracing } = await import("@/lib/telemetry/start");
  await startTracing("countersign").catch((error: unknown) =>
    console.error("Tracing did not start:", error instanceof Error ? error.message : error),
  );
  const { getDatabase } = await import("@/db");
  const { reclaimExpiredRuns } = await import("@/lib/agent/reclaim");
  const { enqueueReclaimed, getQueue } = await import("@/lib/jobs/queue");
  const { appWorksQueue, databaseKind } = await import("@/lib/env");
  try {
    const { db } = await getDatabase();
    // Embedded: this process holds the database, so any running run is an orphan, lease or not.
    // Shared: the queue reclaims runs whose lease ran out, now and every heartbeat.
    const reclaimed = databaseKind() === "pglite" ? await reclaimExpiredRuns(db, { everyRunning: true }) : [];
    const boss = await getQueue(getDatabase, appWorksQueue());
    await enqueueReclaimed(boss, reclaimed);
    if (reclaimed.length > 0)
      console.log(
        `Reclaimed ${reclaimed.length} interrupted agent run(s); their tickets are queued for drafting.`,
      );
  } catch (error) {
    console.error("Startup failed:", error instanceof Error ? error.message : error);
  }
}
