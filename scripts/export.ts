/**
 * `npm run export -- --format sft --since 2026-01-01 --out feedback.jsonl`:
 * streams a feedback dataset from the configured database to a file (or to
 * stdout with `--out -`), writes `<out>.manifest.json` beside it and prints
 * the counts. A progress bar on a terminal, a plain line every 10 % otherwise.
 */
import { createWriteStream } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { z } from "zod";
import { openConfiguredDatabase } from "@/db";
import type { DatabaseHandle } from "@/db/client";
import { DataDirLockedError } from "@/db/lock";
import { DatasetExport } from "@/lib/datasets/export";
import { type ExportRequest, exportQuery, parseExportRequest } from "@/lib/datasets/filters";
import { EXPORT_FORMATS, type ExportFormat, exportFileName } from "@/lib/datasets/formats";
import { countExportRecords } from "@/lib/datasets/source";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const USAGE = `Usage: npm run export -- --format sft|dpo|trl|csv [filters] [--out FILE]

  --format          sft, dpo, trl or csv (required)
  --out             the file to write, or - for stdout (default: countersign-<format>-<date>.<ext>)
  --manifest        where to write the manifest (default: <out>.manifest.json; none for stdout)
  --since           from this day or time, e.g. 2026-01-01 or 2026-01-01T09:00:00Z
  --until           to the end of this day, or up to this time
  --decision        comma list of approve, edit, escalate, reject
  --tags            comma list of reason tags (reviews with any of them)
  --policy-version  the policy version number, e.g. 3
  --min-rating      1 to 5
  --model           the model id of the run, e.g. offline
  --no-demo         leave out the generated demo history
  --redact          replace e-mail addresses, phone and card numbers
  --redact-orders   also replace order numbers (implies --redact)
  --as-of           snapshot time of an earlier export, to repeat it byte for byte
  --batch-size      rows per database query (default 5000)`;

class UsageError extends Error {}

const cliSchema = z.object({
  format: z.enum(EXPORT_FORMATS, `--format must be one of ${EXPORT_FORMATS.join(", ")}.`),
  out: z.string().trim().min(1, "--out needs a file name, or - for stdout.").optional(),
  manifest: z.string().trim().min(1, "--manifest needs a file name.").optional(),
  batchSize: z.coerce
    .number("--batch-size must be a number.")
    .int("--batch-size must be a whole number.")
    .min(1, "--batch-size must be at least 1.")
    .max(100_000, "--batch-size must be at most 100000.")
    .default(5_000),
});

interface CliOptions {
  format: ExportFormat;
  out: string;
  manifest: string | null;
  batchSize: number;
  request: ExportRequest;
}

function readOptions(argv: string[]): CliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        format: { type: "string" },
        out: { type: "string" },
        manifest: { type: "string" },
        since: { type: "string" },
        until: { type: "string" },
        decision: { type: "string" },
        tags: { type: "string" },
        "policy-version": { type: "string" },
        "min-rating": { type: "string" },
        model: { type: "string" },
        "no-demo": { type: "boolean" },
        redact: { type: "boolean" },
        "redact-orders": { type: "boolean" },
        "as-of": { type: "string" },
        "batch-size": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const cli = cliSchema.safeParse({
    format: values.format,
    out: values.out,
    manifest: values.manifest,
    batchSize: values["batch-size"],
  });
  if (!cli.success) {
    const issue = cli.error.issues[0];
    throw new UsageError(
      issue?.path[0] === "format" && values.format === undefined
        ? "--format is required: sft, dpo, trl or csv."
        : (issue?.message ?? "Check the options."),
    );
  }
  let request: ExportRequest;
  try {
    request = parseExportRequest({
      since: values.since as string | undefined,
      until: values.until as string | undefined,
      decision: values.decision as string | undefined,
      tags: values.tags as string | undefined,
      policyVersion: values["policy-version"] as string | undefined,
      minRating: values["min-rating"] as string | undefined,
      model: values.model as string | undefined,
      demo: values["no-demo"] ? "false" : undefined,
      redact: values.redact ? "true" : undefined,
      redactOrders: values["redact-orders"] ? "true" : undefined,
      asOf: values["as-of"] as string | undefined,
    });
  } catch (error) {
    // The shared filter messages name query parameters; say them as the options people typed.
    const flags: Record<string, string> = {
      policyVersion: "--policy-version",
      minRating: "--min-rating",
      asOf: "--as-of",
      redactOrders: "--redact-orders",
    };
    const message = (error as Error).message.replace(
      /^(since|until|decision|tags|policyVersion|minRating|model|asOf)\b/,
      (name) => flags[name] ?? `--${name}`,
    );
    throw new UsageError(message);
  }
  const out = cli.data.out ?? exportFileName(cli.data.format, request.asOf);
  return {
    format: cli.data.format,
    out,
    manifest: cli.data.manifest ?? (out === "-" ? null : `${out}.manifest.json`),
    batchSize: cli.data.batchSize,
    request,
  };
}

async function openDatabase(options: CliOptions): Promise<DatabaseHandle> {
  try {
    return await openConfiguredDatabase();
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    const query = exportQuery(options.request.filters).toString();
    const url = `http://localhost:${env().PORT}/api/v1/exports/${options.format}${query ? `?${query}` : ""}`;
    const target = options.out === "-" ? "" : ` > ${options.out}`;
    throw new Error(
      `${error.message}\n\nThe running server holds the embedded database, so export through its API instead ` +
        `(create a key with the datasets:export scope on the API keys page):\n\n` +
        `  curl -fH "Authorization: Bearer <key>" "${url}"${target}\n\n` +
        "or stop the server and run this command again. With DATABASE_URL set (PostgreSQL), exports run beside the server.",
    );
  }
}

/** A bar on a terminal; elsewhere (CI, a log file) a plain line every 10 %. */
function progressReporter(total: number, stream: NodeJS.WriteStream, label: string) {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} {bar} {percentage}% | {value}/{total} records | {rate} rows/s | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    const started = performance.now();
    bar.start(total, 0, { rate: 0 });
    return {
      update: (done: number) =>
        bar.update(done, { rate: Math.round(done / ((performance.now() - started) / 1000 || 1)) }),
      stop: () => bar.stop(),
    };
  }
  let printed = 0;
  return {
    update: (done: number) => {
      const tenth = total > 0 ? Math.min(10, Math.floor((done * 10) / total)) : 10;
      if (tenth <= printed) return;
      printed = tenth;
      stream.write(
        `${label}: ${tenth * 10}% (${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} records)\n`,
      );
    },
    stop: () => {},
  };
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const toStdout = options.out === "-";
  // With the data on stdout, everything said to people goes to stderr.
  const say = toStdout ? process.stderr : process.stdout;
  const handle = await openDatabase(options);
  const partial = toStdout ? null : `${options.out}.partial`;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const started = performance.now();
    const formats = await countExportRecords(handle.db, options.request);
    const total = formats[options.format];
    const dataset = new DatasetExport(handle.db, {
      format: options.format,
      request: options.request,
      batchSize: options.batchSize,
    });
    const progress = progressReporter(total, say, `export ${options.format}`);
    try {
      await pipeline(
        async function* () {
          for await (const chunk of dataset.chunks()) {
            yield chunk;
            progress.update(dataset.tally.records);
          }
        },
        partial ? createWriteStream(partial) : process.stdout,
        { signal: abort.signal, end: !!partial },
      );
    } finally {
      progress.stop();
    }
    // Only a complete file gets its real name: a failed run never leaves a plausible short one.
    if (partial) await rename(partial, options.out);
    const manifest = await dataset.manifest({
      formats,
      fileName: toStdout ? undefined : basename(options.out),
    });
    if (options.manifest) await writeFile(options.manifest, `${JSON.stringify(manifest, null, 2)}\n`);

    const seconds = (performance.now() - started) / 1000;
    const t = dataset.tally;
    const n = (v: number) => v.toLocaleString("en-US");
    const list = (entries: [string, number][]) =>
      entries
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(", ") || "none";
    const where = toStdout ? "to stdout" : `to ${options.out}`;
    const lines = [
      `Exported ${n(t.records)} ${options.format} records (${(t.bytes / 1_048_576).toFixed(1)} MB) ${where} in ${seconds.toFixed(1)} s.`,
      `  decisions: ${list(Object.entries(t.byDecision))}`,
      `  policy versions: ${list(manifest.policyVersions.map((p) => [`v${p.version ?? "?"}`, p.records]))}`,
      `  same filters in other formats: ${Object.entries(formats)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(", ")}`,
      ...(options.request.filters.redact ? [`  redacted: ${list(Object.entries(t.redactions))}`] : []),
      `  sha256 ${manifest.file.sha256}${options.manifest ? `, manifest in ${options.manifest}` : ""}`,
      `  repeat with: ${manifest.reproduce.cli}`,
    ];
    say.write(`${lines.join("\n")}\n`);
    if (t.records === 0) {
      say.write("No review matched these filters: widen the dates or drop a filter, or check `--format`.\n");
    }
  } catch (error) {
    if (partial) await rm(partial, { force: true });
    if (abort.signal.aborted) {
      say.write("\nExport stopped; no file was written.\n");
      process.exitCode = 130;
      return;
    }
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await handle.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof AppError || error instanceof Error ? error.message : error);
  process.exit(1);
});
