import { databaseKind, dataDir, env } from "@/lib/env";
import { type DatabaseHandle, type Db, migrateDatabase, openDatabase } from "./client";

export type { Db } from "./client";

const globalForDb = globalThis as unknown as { countersignDb?: Promise<DatabaseHandle> };

/** Opens the configured database from the environment (DATABASE_URL or the embedded one). */
export async function openConfiguredDatabase(options: { migrate?: boolean } = {}): Promise<DatabaseHandle> {
  const url = env().DATABASE_URL;
  const handle = url
    ? await openDatabase({ kind: "postgres", url })
    : await openDatabase({ kind: "pglite", dataDir: dataDir() });
  if (options.migrate !== false) {
    try {
      await migrateDatabase(handle);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

/**
 * The app's database: opened lazily on first use (never at build time), cached
 * across hot reloads, and forgotten on failure so the next request retries.
 */
export function getDatabase(): Promise<DatabaseHandle> {
  if (!globalForDb.countersignDb) {
    const opening = openConfiguredDatabase();
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
