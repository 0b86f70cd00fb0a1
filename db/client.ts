import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { preparingStatements } from "./prepared-statements";
import * as schema from "./schema";

export type Schema = typeof schema;
/** One type for both drivers: PGlite (embedded) and postgres.js (real PostgreSQL). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseKind;
  close: () => Promise<void>;
  /** Runs `fn` while holding a session-level advisory lock (a no-op lock on PGlite, which one process holds). */
  withLock: <T>(key: number, fn: () => Promise<T>) => Promise<T>;
  /** Raw SQL for libraries that bring their own (the job queue): one statement with parameters, or a script without. */
  executeSql: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;
  /** The connection string, for libraries that open their own pool (PostgreSQL only). */
  url?: string;
}

const MIGRATION_LOCK = 724011;

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/**
 * Deadlines on a PostgreSQL connection: how long to wait for a connection, how
 * long one statement may run, and how long a transaction may sit idle, so that
 * during an outage a request fails fast with an error instead of hanging.
 */
export interface Deadlines {
  connectTimeoutSeconds: number;
  /** 0: no limit (migrations, bulk scripts). */
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
}

export type OpenOptions =
  | {
      kind: "postgres";
      url: string;
      max?: number;
      deadlines?: Deadlines;
      /** Called with each statement's text as it is sent (benchmarks count round trips with it). */
      onStatement?: (text: string) => void;
    }
  | { kind: "pglite"; dataDir?: string; lock?: boolean; loadDataDir?: Blob };

/** Opens a database without migrating it. `dataDir` undefined means in memory. */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.kind === "postgres") {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const deadlines = options.deadlines;
    const client = postgres(options.url, {
      max: options.max ?? 10,
      onnotice: () => {},
      ...(options.onStatement
        ? { debug: (_connection: number, text: string) => options.onStatement?.(text) }
        : {}),
      connect_timeout: deadlines?.connectTimeoutSeconds ?? 30,
      // Connections unused for a minute are closed, so none outlives an outage half-open.
      idle_timeout: 60,
      connection: {
        // Prepared statements (db/prepared-statements.ts) are planned for each execution's values.
        plan_cache_mode: "force_custom_plan",
        ...(deadlines?.statementTimeoutMs ? { statement_timeout: deadlines.statementTimeoutMs } : {}),
        ...(deadlines?.idleInTransactionTimeoutMs
          ? { idle_in_transaction_session_timeout: deadlines.idleInTransactionTimeoutMs }
          : {}),
      },
    });
    const db = drizzle({ client: preparingStatements(client), schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      url: options.url,
      close: () => client.end({ timeout: 5 }),
      executeSql: async (text, values = []) => {
        const rows = await client.unsafe(text, values as never[]);
        return { rows: [...rows] };
      },
      withLock: async (key, fn) => {
        const reserved = await client.reserve();
        try {
          await reserved`select pg_advisory_lock(${key})`;
          return await fn();
        } finally {
          await reserved`select pg_advisory_unlock(${key})`;
          reserved.release();
        }
      },
    };
  }
  const release =
    options.dataDir && options.lock !== false
      ? (await import("./lock")).lockDataDir(options.dataDir)
      : undefined;
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
    const client = await PGlite.create({
      dataDir: options.dataDir,
      loadDataDir: options.loadDataDir,
      // The queue's text search uses trigram indexes (migration 0001 creates the extension).
      extensions: { pg_trgm },
    });
    const { drizzle } = await import("drizzle-orm/pglite");
    const db = drizzle({ client, schema }) as unknown as Db;
    return {
      db,
      kind: "pglite",
      close: async () => {
        await client.close();
        release?.();
      },
      withLock: (_key, fn) => fn(),
      executeSql: async (text, values = []) => {
        if (values.length === 0) {
          const results = await client.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }
        return { rows: (await client.query(text, values)).rows };
      },
    };
  } catch (error) {
    release?.();
    throw error;
  }
}

/** Applies the drizzle-kit migrations; safe to run from several processes at once on PostgreSQL. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific type
    await migrate(handle.db as any, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  // Serialise concurrent starts (several app instances, a worker) on one advisory lock.
  await handle.withLock(MIGRATION_LOCK, () =>
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific type
    migrate(handle.db as any, { migrationsFolder: MIGRATIONS_FOLDER }),
  );
}

/** `db.execute` returns `{ rows }` on PGlite and an array on postgres.js. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
