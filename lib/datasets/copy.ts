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

/**
 * The output of one COPY statement, chunk by chunk. A consumer that stops
 * early cancels the statement and drains what is in flight, so the
 * connection goes back to the pool clean.
 */
export async function* copyOut(client: Sql, statement: string): AsyncGenerator<Buffer> {
  const query = client.unsafe(statement);
  const stream = await query.readable();
  let ended = false;
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
    ended = true;
  } finally {
    if (!ended) await abandon(stream, () => query.cancel());
  }
}

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
