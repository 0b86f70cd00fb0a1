import { readFileSync } from "node:fs";
import postgres from "postgres";
import { type DatabaseHandle, migrateDatabase, openDatabase } from "@/db/client";
import { env } from "@/lib/env";

/** The benchmark's PostgreSQL server (BENCH_DATABASE_URL, or the local one). */
export function benchServerUrl(): string {
  return env().BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/** The URL of a database on the benchmark's server. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(benchServerUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Whether a benchmark database kept by an earlier `--keep` run exists. */
export async function benchDatabaseExists(name: string): Promise<boolean> {
  const admin = postgres(benchServerUrl(), { max: 1, onnotice: () => {} });
  try {
    return (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  } finally {
    await admin.end();
  }
}

/** A fresh database on the benchmark's PostgreSQL server. */
export async function freshBenchDatabase(
  name: string,
  options: { onStatement?: (text: string) => void } = {},
): Promise<DatabaseHandle & { drop: () => Promise<void> }> {
  const admin = postgres(benchServerUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const handle = await openDatabase({ kind: "postgres", url: benchDatabaseUrl(name), max: 20, ...options });
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

/**
 * CPU time (user + system, ms) that these PostgreSQL backends have used, from /proc: only when the
 * server runs on this machine (null otherwise). Wall time on a shared machine includes waiting for
 * a core; CPU time is what the work costs.
 */
export function backendCpuMs(pids: number[]): Map<number, number> | null {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      // utime and stime, in clock ticks of 10 ms.
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      return null;
    }
  }
  return out;
}
