/**
 * `npm run worker`: drains the job queues (drafting and outbox delivery), reclaims
 * runs whose lease ran out (and redrafts their tickets), stores the dashboard's
 * newly closed days and runs the SLA sweep, in a process of its own.
 * Needs DATABASE_URL: the embedded database is held by the app's process,
 * which already works the queue itself.
 */
import { openConfiguredDatabase } from "@/db";
import { env } from "@/lib/env";
import { startQueue } from "@/lib/jobs/queue";
import { stopWorking } from "@/lib/jobs/work-loop";
import { startTracing } from "@/lib/telemetry/start";

async function main() {
  if (!env().DATABASE_URL) {
    console.error(
      "npm run worker needs DATABASE_URL. The embedded database can only be opened by one process, and the app " +
        "(npm start) already works the queue. Set DATABASE_URL to a PostgreSQL database to run separate workers.",
    );
    process.exit(2);
  }
  // Traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; nothing is loaded otherwise.
  const tracing = await startTracing("countersign-worker");
  const handle = await openConfiguredDatabase();
  const boss = await startQueue(handle);
  console.log(
    "Worker started: drafting queued tickets, delivering the outbox and sweeping review SLAs. Ctrl-C to stop.",
  );
  const stop = async () => {
    await stopWorking(boss);
    await boss.stop({ graceful: true, wait: true });
    await handle.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
