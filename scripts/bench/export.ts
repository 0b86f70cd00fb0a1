/**
 * `npm run bench:export [-- --reviews 1000000 --formats sft,dpo,trl,csv --keep --reuse]`: builds
 * the demo history on a fresh PostgreSQL database (seedDemo, buildDemoHistory), clones it with
 * amplifyHistory to N reviews, then streams each format to a null sink in a child process of its
 * own and reports records/s and peak RSS (sampled every 50 ms, and the kernel's maxRSS).
 * Beside each format, its limit measured in the same run: a plain COPY of the same rows and
 * width to a discarding stream (export-limit.ts), and the export's rate as a share of it.
 * Goal: every format >= 50 % of its limit and peak RSS < 200 MB. `--reviews N` sets the size;
 * `--redact` exports with redaction (which runs in Node: see lib/datasets/copy.ts).
 *
 * `--keep` leaves the database behind and `--reuse` exports from it again without rebuilding.
 * `--heap 128` runs the exports with `--max-old-space-size=128` (a memory-capped deployment);
 * `--batch-size N` changes the rows per query (default 1000, EXPORT_BATCH_SIZE).
 */
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf } from "@/db/client";
import { seedDemo } from "@/db/seed";
import { EXPORT_FORMATS, type ExportFormat, isExportFormat } from "@/lib/datasets/formats";
import { amplifyHistory, buildDemoHistory } from "@/lib/demo/history";
import { benchDatabaseExists, benchDatabaseUrl, freshBenchDatabase, parseArgs } from "./db";
import type { FormatResult } from "./export-worker";

const DEFAULT_REVIEWS = 1_000_000;

/** The bench database for a size: another size gets a database of its own, so it never replaces the 1M one. */
function databaseName(reviews: number): string {
  return reviews === DEFAULT_REVIEWS ? "countersign_bench_export" : `countersign_bench_export_${reviews}`;
}
/** Each format's rate as a share of PostgreSQL's plain COPY of the same rows and width. */
const GOAL_LIMIT_RATIO = 0.5;
const GOAL_PEAK_RSS_MB = 200;

const mb = (bytes: number) => bytes / 1_048_576;

function runChild(
  url: string,
  format: ExportFormat,
  batchSize?: string,
  heapMb?: string,
  query?: string,
): Promise<FormatResult> {
  // A separate entry point, so the child loads the export code only (not the agent and its tokenizer).
  const args = [path.join(import.meta.dirname, "export-worker.ts"), format, url];
  args.push(batchSize ?? "-", query ?? "");
  return new Promise((resolve, reject) => {
    const heap = heapMb ? [`--max-old-space-size=${Number(heapMb)}`] : [];
    const child = spawn(process.execPath, [...heap, ...process.execArgv, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`the ${format} export exited with ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as FormatResult);
    });
  });
}

/** The bench database, and how to leave it: `done(true)` keeps it, `done(false)` drops it. */
async function prepare(
  target: number,
  reuse: boolean,
): Promise<{ url: string; done: (keep: boolean) => Promise<void> }> {
  const name = databaseName(target);
  const url = benchDatabaseUrl(name);
  if (reuse && (await benchDatabaseExists(name))) {
    const handle = await openDatabase({ kind: "postgres", url, max: 2 });
    const [row] = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from reviews`));
    await handle.close();
    if (Number(row?.n) >= target) {
      console.log(`reusing ${name}: ${Number(row?.n).toLocaleString("en-US")} reviews`);
      return { url, done: async () => {} };
    }
  }
  const handle = await freshBenchDatabase(name);
  let started = performance.now();
  await seedDemo(handle.db);
  const history = await buildDemoHistory(handle.db);
  console.log(
    `demo history      ${history.reviews} reviews on ${history.decided} tickets in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  started = performance.now();
  // Exports never read the decision chain, so the clones skip it (it would be ~10 GB at 1M).
  const amplified = await amplifyHistory(handle.db, {
    reviews: target,
    steps: false,
    onProgress: ({ reviews }) =>
      process.stdout.write(`\ramplifying        ${reviews.toLocaleString("en-US")} reviews`),
  });
  console.log(
    `\namplified         ${amplified.totalReviews.toLocaleString("en-US")} reviews in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // The handle stays open until the end: drop() needs its server connection (closing it first made
  // the drop fail with CONNECTION_ENDED).
  return { url, done: (keep) => (keep ? handle.close() : handle.drop()) };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const argv = process.argv.slice(2);
  const target = Number(args.reviews ?? DEFAULT_REVIEWS);
  if (!Number.isInteger(target) || target < 1)
    throw new Error("--reviews must be a whole number, e.g. 20000.");
  const formats = (args.formats ?? EXPORT_FORMATS.join(",")).split(",").filter(isExportFormat);
  const keep = argv.includes("--keep") || argv.includes("--reuse");
  const redact = argv.includes("--redact");
  const { url, done } = await prepare(target, argv.includes("--reuse"));
  try {
    console.log(
      `bench:export — ${target.toLocaleString("en-US")} reviews, PostgreSQL, one process per format` +
        `${args.heap ? `, --max-old-space-size=${Number(args.heap)}` : ""}${redact ? ", redacted" : ""} · load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores`,
    );
    console.log(
      "format   records     seconds   rows/s     MB out    MB/s   RSS before  peak RSS  maxRSS   count   CPU/record: node   database" +
        "   limit: rows/s   MB out   ratio",
    );
    const results: FormatResult[] = [];
    for (const format of formats) {
      const r = await runChild(url, format, args["batch-size"], args.heap, redact ? "redact=true" : "");
      results.push(r);
      console.log(
        [
          r.format.padEnd(8),
          r.records.toLocaleString("en-US").padStart(9),
          r.exportSeconds.toFixed(1).padStart(9),
          Math.round(r.records / r.exportSeconds)
            .toLocaleString("en-US")
            .padStart(10),
          mb(r.bytes).toFixed(0).padStart(9),
          (mb(r.bytes) / r.exportSeconds).toFixed(0).padStart(7),
          `${r.baselineRssMb.toFixed(0)} MB`.padStart(11),
          `${r.peakRssMb.toFixed(0)} MB`.padStart(9),
          `${r.maxRssMb.toFixed(0)} MB`.padStart(7),
          `${r.countSeconds.toFixed(2)} s`.padStart(8),
          `${((r.cpuSeconds * 1e6) / Math.max(r.records, 1)).toFixed(1)} µs`.padStart(17),
          r.dbCpuSeconds === null
            ? "        —"
            : `${((r.dbCpuSeconds * 1e6) / Math.max(r.records, 1)).toFixed(1)} µs`.padStart(10),
          Math.round(r.limit.rows / r.limit.seconds)
            .toLocaleString("en-US")
            .padStart(16),
          mb(r.limit.bytes).toFixed(0).padStart(8),
          `${Math.round((100 * r.limit.seconds) / r.exportSeconds)} %`.padStart(7),
        ].join(" "),
      );
    }
    const slowest = results.reduce<FormatResult | null>(
      (worst, r) =>
        worst && worst.limit.seconds / worst.exportSeconds <= r.limit.seconds / r.exportSeconds ? worst : r,
      null,
    );
    if (slowest) {
      const ratio = slowest.limit.seconds / slowest.exportSeconds;
      const rss = Math.max(...results.map((r) => Math.max(r.peakRssMb, r.maxRssMb)));
      console.log(
        `goal              every format >= ${GOAL_LIMIT_RATIO * 100} % of its COPY limit (lowest: ${slowest.format} ${Math.round(ratio * 100)} %: ${ratio >= GOAL_LIMIT_RATIO ? "met" : "MISSED"}) · ` +
          `peak RSS ${rss.toFixed(0)} MB (< ${GOAL_PEAK_RSS_MB} MB: ${rss < GOAL_PEAK_RSS_MB ? "met" : "MISSED"})`,
      );
    }
  } finally {
    if (keep) {
      const name = databaseName(target);
      console.log(`kept ${name}: run again with --reuse, drop it with dropdb ${name}`);
    }
    await done(keep);
  }
}

main()
  // freshBenchDatabase keeps a server connection for drop(): end the process once done.
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
