import { databaseDeadlines, databaseKind, dataDir, env } from "@/lib/env";
import { type DatabaseHandle, type Db, migrateDatabase, openDatabase } from "./client";

export type { Db } from "./client";

const globalForDb = globalThis as unknown as { countersignDb?: Promise<DatabaseHandle> };

/**
 * Opens the configured database from the environment (DATABASE_URL or the embedded one).
 * Every PostgreSQL connection has a connect deadline; `requests: true` (the app's request
 * paths) adds statement and idle-in-transaction timeouts, and migrates on a connection of
 * its own without them, so a long migration is not cut short.
 */
export async function openConfiguredDatabase(
  options: { migrate?: boolean; requests?: boolean } = {},
): Promise<DatabaseHandle> {
  const url = env().DATABASE_URL;
  if (!url) {
    const handle = await openDatabase({ kind: "pglite", dataDir: dataDir() });
    if (options.migrate !== false) await migrateOrClose(handle);
    return handle;
  }
  const deadlines = databaseDeadlines();
  const connect = { connectTimeoutSeconds: deadlines.connectTimeoutSeconds };
  if (!options.requests) {
    const handle = await openDatabase({ kind: "postgres", url, deadlines: connect });
    if (options.migrate !== false) await migrateOrClose(handle);
    return handle;
  }
  if (options.migrate !== false) {
    // Two connections: the migration lock holds one (reserved) while the migrator runs on the other.
    const migrator = await openDatabase({ kind: "postgres", url, max: 2, deadlines: connect });
    try {
      await migrateDatabase(migrator);
    } finally {
      await migrator.close();
    }
  }
  return openDatabase({ kind: "postgres", url, deadlines });
}

async function migrateOrClose(handle: DatabaseHandle): Promise<void> {
  try {
    await migrateDatabase(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The app's database: opened lazily on first use (never at build time), cached
 * across hot reloads, and forgotten on failure so the next request retries.
 */
export function getDatabase(): Promise<DatabaseHandle> {
  if (!globalForDb.countersignDb) {
    const opening = openConfiguredDatabase({ requests: true });
    globalForDb.countersignDb = opening;
    opening.catch(() => {
      if (globalForDb.countersignDb === opening) globalForDb.countersignDb = undefined;
    });
  }
  return globalForDb.countersignDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

export { databaseKind };
