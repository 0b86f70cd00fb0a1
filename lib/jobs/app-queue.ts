import "server-only";
import type PgBoss from "pg-boss";
import { getDatabase } from "@/db";
import { getQueue } from "./queue";

/** The app process's queue: it also works the jobs (PGlite is held by this process alone). */
export function appQueue(): Promise<PgBoss> {
  return getQueue(getDatabase, true);
}
