import postgres from "postgres";
import { type DatabaseHandle, migrateDatabase, openDatabase } from "@/db/client";
import { env } from "@/lib/env";

/** A fresh database on the benchmark's PostgreSQL server (BENCH_DATABASE_URL, or the local one). */
export async function freshBenchDatabase(
  name: string,
): Promise<DatabaseHandle & { drop: () => Promise<void> }> {
  const serverUrl = env().BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: "postgres", url: url.toString(), max: 20 });
  await migrateDatabase(handle);
  return {
    ...handle,
    // Closing keeps the database (a bench's --keep); both end the server connection too.
    close: async () => {
      await handle.close();
      await admin.end();
    },
    drop: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a?.startsWith("--")) out[a.slice(2)] = argv[i + 1] ?? "";
  }
  return out;
}
