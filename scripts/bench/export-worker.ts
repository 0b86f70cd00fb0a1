/**
 * One measurement of `npm run bench:export`, in a process of its own so its
 * RSS is the export's alone: `tsx scripts/bench/export-worker.ts <format> <url> [batchSize|-] [query]`
 * streams the format to a null sink and prints one JSON line.
 */
import { type DatabaseHandle, openDatabase } from "@/db/client";
import { copyClientOf } from "@/lib/datasets/copy";
import { DatasetExport } from "@/lib/datasets/export";
import { parseExportRequest } from "@/lib/datasets/filters";
import { type ExportFormat, isExportFormat } from "@/lib/datasets/formats";
import { countExportRecords } from "@/lib/datasets/source";
import { backendCpuMs } from "./db";
import { measureCopyLimit } from "./export-limit";

export interface FormatResult {
  format: ExportFormat;
  records: number;
  bytes: number;
  countSeconds: number;
  exportSeconds: number;
  /** CPU time of this process (user + system) while streaming: Node's share of the work. */
  cpuSeconds: number;
  /** CPU time of the database backends serving the stream (null when the server is not on this machine). */
  dbCpuSeconds: number | null;
  baselineRssMb: number;
  peakRssMb: number;
  maxRssMb: number;
  /** The same rows and width as a plain COPY to nowhere, in the same process right after. */
  limit: { rows: number; bytes: number; seconds: number };
}

const mb = (bytes: number) => bytes / 1_048_576;

/** CPU so far of each backend connected to this database: the export's own connections (the bench runs alone). */
async function databaseCpu(handle: DatabaseHandle): Promise<Map<number, number> | null> {
  const { rows } = await handle.executeSql(
    "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
  );
  return backendCpuMs(rows.map((row) => Number((row as { pid: number }).pid)));
}

/** CPU spent between two readings; a backend that connected in between counts whole. */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** Child: stream one format to nowhere and report what it took. */
async function measure(
  url: string,
  format: ExportFormat,
  batchSize?: number,
  query = "",
): Promise<FormatResult> {
  const handle = await openDatabase({ kind: "postgres", url, max: 4 });
  try {
    const request = parseExportRequest(new URLSearchParams(query));
    let peak = process.memoryUsage().rss;
    const baseline = peak;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    let started = performance.now();
    const counts = await countExportRecords(handle.db, request);
    const countSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const dbBefore = await databaseCpu(handle);
    const cpuBefore = process.cpuUsage();
    const dataset = new DatasetExport(handle.db, { format, request, batchSize });
    for await (const _chunk of dataset.chunks()) {
      // The null sink: the bytes are produced, encoded and hashed, then dropped.
    }
    const exportSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const dbAfter = await databaseCpu(handle);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (dataset.tally.records !== counts[format]) {
      throw new Error(`${format}: streamed ${dataset.tally.records} records but counted ${counts[format]}`);
    }
    const client = copyClientOf(handle.db);
    if (!client) throw new Error("The bench needs PostgreSQL.");
    const limit = await measureCopyLimit(client, format, request);
    if (limit.rows !== dataset.tally.records) {
      throw new Error(
        `${format}: the limit's COPY read ${limit.rows} rows, the export ${dataset.tally.records}`,
      );
    }
    return {
      format,
      records: dataset.tally.records,
      bytes: dataset.tally.bytes,
      countSeconds,
      exportSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      dbCpuSeconds: dbBefore && dbAfter ? cpuSpent(dbBefore, dbAfter) / 1000 : null,
      baselineRssMb: mb(baseline),
      peakRssMb: mb(peak),
      // resourceUsage().maxRSS is in kilobytes.
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      limit,
    };
  } finally {
    await handle.close();
  }
}

const [format, url, batchSize, query] = process.argv.slice(2);
if (!format || !isExportFormat(format) || !url) {
  console.error("Usage: tsx scripts/bench/export-worker.ts <sft|dpo|trl|csv> <postgres url> [batch size]");
  process.exit(2);
}
console.log(
  JSON.stringify(
    await measure(url, format, batchSize && batchSize !== "-" ? Number(batchSize) : undefined, query),
  ),
);
