import "server-only";
import type PgBoss from "pg-boss";
import { getDatabase } from "@/db";
import { appWorksQueue } from "@/lib/env";
import { getQueue } from "./queue";

/**
 * The app process's queue: it also works the jobs (PGlite is held by this process alone), unless
 * APP_QUEUE_WORK=off leaves them to `npm run worker` processes on PostgreSQL.
 */
export function appQueue(): Promise<PgBoss> {
  return getQueue(getDatabase, appWorksQueue());
}
