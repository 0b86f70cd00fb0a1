import type { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import type { Sql } from "postgres";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { policyVersions, reviews } from "@/db/schema";
import { copyStatement, csvSelect, jsonlSelect, type SystemPrompts } from "./copy-sql";
import type { ExportRequest } from "./filters";
import type { ExportFormat } from "./formats";
import { type ExportTally, emptyTally } from "./manifest";
import { filterCondition, formatCondition } from "./source";

/**
 * Exports on PostgreSQL: PostgreSQL builds every record and hands the file's
 * lines out through `COPY ... TO STDOUT`; Node only counts, hashes and writes
 * the bytes. PGlite has no COPY stream, and redaction (regular expressions
 * with look-behind and checksums) has no SQL form: both keep the row path.
 *
 * One statement, read in order: the backend builds the lines on one core
 * while Node hashes and forwards them on the other. Reading key ranges in
 * parallel would put more backends on the same two cores, and writing them
 * in order would have to hold (or spill to disk) every range but the first.
 */

/** The postgres.js client behind a Drizzle database, or null on PGlite. */
export function copyClientOf(db: Db): Sql | null {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (typeof client === "function" && typeof (client as Partial<Sql>).unsafe === "function") {
    return client as Sql;
  }
  return null;
}

/**
 * The JSON-encoded system prompt of every policy version (null when it has no
 * instructions), as the row path computes it. Policy versions are few and immutable.
 */
export async function systemPrompts(db: Db, text: (value: string) => string): Promise<SystemPrompts> {
  const rows = await db
    .select({ id: policyVersions.id, instructions: policyVersions.instructions })
    .from(policyVersions);
  const systems = new Map<string, string | null>();
  for (const { id, instructions } of rows) {
    const trimmed = instructions.trim();
    systems.set(id, trimmed ? JSON.stringify(text(trimmed)) : null);
  }
  return systems;
}

/** The COPY statement of an export (PostgreSQL only), records built in SQL. */
export function exportCopyStatement(
  format: ExportFormat,
  request: ExportRequest,
  systems: SystemPrompts,
): string {
  return copyStatement(format, format === "csv" ? csvSelect(request) : jsonlSelect(format, request, systems));
}

/** Bytes of lines held before the COPY stream is paused (and the socket with it). */
const HIGH_WATER_BYTES = 1 << 20;

/**
 * The lines of one COPY statement, in groups of whatever has arrived. PostgreSQL
 * sends one message per row and a flowing stream emits each message as it
 * came (an iterator would glue them together), so every Buffer is one row.
 * A consumer that stops early cancels the statement and drains what is in
 * flight, so the connection goes back to the pool clean.
 */
export async function* copyOut(client: Sql, statement: string): AsyncGenerator<Buffer[]> {
  const query = client.unsafe(statement);
  const stream = await query.readable();
  let lines: Buffer[] = [];
  let held = 0;
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const onData = (line: Buffer) => {
    lines.push(line);
    held += line.length;
    if (held >= HIGH_WATER_BYTES) stream.pause();
    notify();
  };
  stream.on("data", onData);
  stream.once("end", () => {
    ended = true;
    notify();
  });
  stream.once("error", (error) => {
    failure = error;
    notify();
  });
  let finished = false;
  try {
    for (;;) {
      if (lines.length > 0) {
        const ready = lines;
        lines = [];
        held = 0;
        if (stream.isPaused()) stream.resume();
        yield ready;
      } else if (failure) {
        throw failure;
      } else if (ended) {
        finished = true;
        return;
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
  } finally {
    if (!finished && !failure) {
      stream.off("data", onData);
      await abandon(stream, () => query.cancel());
    }
  }
}

/** Cancels a statement whose lines are no longer wanted and discards them until it stops. */
async function abandon(stream: Readable, cancel: () => void): Promise<void> {
  if (stream.destroyed || stream.readableEnded) return;
  const finished = new Promise<void>((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve());
  });
  cancel();
  stream.resume();
  await finished;
}

/**
 * What the manifest counts, for the rows a COPY export holds: one grouped
 * scan of reviews (filters and kinds read the review's own columns, and the
 * export's join to tickets never drops a review).
 */
export async function copyTally(db: Db, format: ExportFormat, request: ExportRequest): Promise<ExportTally> {
  const tally = emptyTally();
  const where = [formatCondition(format), filterCondition(request)].filter((c) => c !== undefined);
  const rows = rowsOf<{
    decision: keyof ExportTally["byDecision"];
    policyVersionId: string | null;
    version: number | null;
    model: string;
    records: number;
  }>(
    await db.execute(sql`
      select ${reviews.decision} as "decision", ${reviews.policyVersionId} as "policyVersionId",
             ${policyVersions.version} as "version", ${reviews.model} as "model", count(*)::int as "records"
      from ${reviews}
      left join ${policyVersions} on ${policyVersions.id} = ${reviews.policyVersionId}
      where ${where.length ? sql.join(where, sql` and `) : sql`true`}
      group by 1, 2, 3, 4`),
  );
  for (const row of rows) {
    const records = Number(row.records);
    tally.records += records;
    tally.byDecision[row.decision] += records;
    const version = tally.policyVersions.get(row.policyVersionId);
    if (version) version.records += records;
    else tally.policyVersions.set(row.policyVersionId, { version: row.version, records });
    tally.models.set(row.model, (tally.models.get(row.model) ?? 0) + records);
  }
  return tally;
}
