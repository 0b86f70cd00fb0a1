import "server-only";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { appQueue } from "@/lib/jobs/app-queue";
import { enqueueDrafts } from "@/lib/jobs/queue";
import { createIngestHandlers } from "./http";
import { createRateLimiter, type RateLimiter } from "./rate-limit";

const globalForIngest = globalThis as unknown as { countersignIngestLimiter?: RateLimiter };

/** One limiter per process (kept across hot reloads): the limit is per key and per instance. */
function rateLimiter(): RateLimiter {
  globalForIngest.countersignIngestLimiter ??= createRateLimiter(env().INGEST_RATE_LIMIT_PER_MINUTE);
  return globalForIngest.countersignIngestLimiter;
}

/** The ingest handlers wired to the app's database, job queue and sessions. */
export const ingestHandlers = createIngestHandlers({
  db: getDb,
  enqueueDrafts: async (ticketIds) =>
    enqueueDrafts(
      await appQueue(),
      ticketIds.map((ticketId) => ({ ticketId })),
    ),
  rateLimiter: {
    take: (key, now) => rateLimiter().take(key, now),
  },
  sessionReader: () => requireScope("tickets:read"),
});
