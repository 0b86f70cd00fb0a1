import "server-only";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { appQueue } from "@/lib/jobs/app-queue";
import { enqueueDrafts } from "@/lib/jobs/queue";
import { createIngestHandlers } from "./http";
import { createDatabaseRateLimiter } from "./rate-limit";

/** The ingest handlers wired to the app's database, job queue and sessions. */
export const ingestHandlers = createIngestHandlers({
  db: getDb,
  enqueueDrafts: async (ticketIds) =>
    enqueueDrafts(
      await appQueue(),
      ticketIds.map((ticketId) => ({ ticketId })),
    ),
  // Counted in PostgreSQL: the limit per key holds across every instance.
  rateLimiter: createDatabaseRateLimiter(getDb, env().INGEST_RATE_LIMIT_PER_MINUTE),
  sessionReader: () => requireScope("tickets:read"),
});
