import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { importJobs } from "@/db/schema";
import { type CsvTicketRow, parseTicketCsv } from "@/lib/ingest/csv";
import { type IngestOutcome, ingestTickets, ticketsToDraft } from "@/lib/ingest/ingest";
import { MAX_IMPORT_ERRORS } from "./import-jobs";

/** Rows per transaction: the progress bar moves after each chunk. */
export const IMPORT_CHUNK_ROWS = 100;
/** A breath between chunks, so pages and progress polls get the (embedded, one-connection) database in turn. */
const CHUNK_PAUSE_MS = 25;

export interface RunImportOptions {
  chunkRows?: number;
  /** Sends the drafting jobs of the tickets a chunk created, after its commit (the draft sweep covers a failure). */
  enqueueDrafts: (ticketIds: string[], triggeredBy: string | null) => Promise<unknown>;
  /** Called after each committed chunk (tests cut the run here to prove a retry resumes). */
  afterChunk?: (processed: number) => Promise<void> | void;
}

type RowError = { line: number; message: string };

interface ChunkTally {
  created: number;
  skipped: number;
  failed: number;
  errors: RowError[];
}

/**
 * Imports a queued CSV in chunks. Each chunk's tickets and the import's counts
 * commit together, under a lock on the import's row, so a retry (a crash, an
 * expired job, a second worker) resumes at `processed` and never counts or
 * stores a row twice; ingesting is idempotent by external id besides.
 */
export async function runImportJob(db: Db, importId: string, options: RunImportOptions): Promise<void> {
  const [job] = await db
    .update(importJobs)
    .set({ status: "running", startedAt: sql`coalesce(${importJobs.startedAt}, now())` })
    .where(and(eq(importJobs.id, importId), inArray(importJobs.status, ["queued", "running"])))
    .returning({ csv: importJobs.csv, createdBy: importJobs.createdBy });
  if (!job) return; // finished already, or gone
  const parsed = parseTicketCsv(job.csv ?? "");
  if (!parsed.ok) {
    await finish(db, importId, "failed", [{ line: 1, message: parsed.error }]);
    return;
  }
  const principal = { kind: "user" as const, id: job.createdBy ?? importId };
  const chunkRows = options.chunkRows ?? IMPORT_CHUNK_ROWS;
  for (;;) {
    const step = await db.transaction(async (tx) => {
      const [at] = await tx
        .select({ status: importJobs.status, processed: importJobs.processed, errors: importJobs.errors })
        .from(importJobs)
        .where(eq(importJobs.id, importId))
        .for("update");
      if (at?.status !== "running") return null;
      const rows = parsed.rows.slice(at.processed, at.processed + chunkRows);
      if (rows.length === 0) return null;
      const valid = rows.filter((r) => r.input);
      const outcomes = await ingestTickets(
        tx as unknown as Db,
        valid.map((r) => r.input as NonNullable<CsvTicketRow["input"]>),
        principal,
        "csv",
      );
      const tally = tallyChunk(rows, outcomes);
      const room = Math.max(0, MAX_IMPORT_ERRORS - at.errors.length);
      await tx
        .update(importJobs)
        .set({
          processed: at.processed + rows.length,
          created: sql`${importJobs.created} + ${tally.created}`,
          skipped: sql`${importJobs.skipped} + ${tally.skipped}`,
          failed: sql`${importJobs.failed} + ${tally.failed}`,
          errors: [...at.errors, ...tally.errors.slice(0, room)],
        })
        .where(eq(importJobs.id, importId));
      return { processed: at.processed + rows.length, toDraft: ticketsToDraft(outcomes) };
    });
    if (!step) break;
    if (step.toDraft.length > 0) {
      await options.enqueueDrafts(step.toDraft, job.createdBy).catch((error: unknown) => {
        // The draft requests committed with the tickets: the draft sweep sends these jobs.
        console.error("csv import: could not queue drafting", error instanceof Error ? error.message : error);
      });
    }
    await options.afterChunk?.(step.processed);
    await new Promise((resolve) => setTimeout(resolve, CHUNK_PAUSE_MS));
  }
  await finish(db, importId, "done");
}

/** What one chunk did, row by row: invalid and conflicting rows are failures a person can fix. */
function tallyChunk(rows: CsvTicketRow[], outcomes: IngestOutcome[]): ChunkTally {
  const byExternalId = new Map(outcomes.map((o) => [o.externalId, o]));
  const tally: ChunkTally = { created: 0, skipped: 0, failed: 0, errors: [] };
  for (const row of rows) {
    if (!row.input) {
      tally.failed++;
      tally.errors.push({ line: row.line, message: row.errors.join(" ") });
      continue;
    }
    const outcome = byExternalId.get(row.externalId);
    if (outcome?.status === "created") tally.created++;
    else if (outcome?.status === "existing") tally.skipped++;
    else {
      tally.failed++;
      tally.errors.push({
        line: row.line,
        message: `externalId ${row.externalId} is already stored with different content; the stored ticket was left unchanged.`,
      });
    }
  }
  return tally;
}

async function finish(db: Db, importId: string, status: "done" | "failed", errors?: RowError[]) {
  await db
    .update(importJobs)
    .set({ status, finishedAt: sql`now()`, csv: null, ...(errors ? { errors } : {}) })
    .where(and(eq(importJobs.id, importId), eq(importJobs.status, "running")));
}

/**
 * Imports owed a job: queued past the grace period (the enqueue after the
 * upload's commit did not happen), or running for longer than any import
 * takes (its worker died). Sending one twice is harmless: chunks take turns
 * under the row lock.
 */
export async function sweepImportJobs(
  db: Db,
  enqueue: (importIds: string[]) => Promise<unknown>,
  graceSeconds: number,
): Promise<number> {
  const rows = await db
    .select({ id: importJobs.id })
    .from(importJobs)
    .where(
      sql`(${importJobs.status} = 'queued' and ${importJobs.createdAt} <= now() - make_interval(secs => ${graceSeconds}))
        or (${importJobs.status} = 'running' and ${importJobs.startedAt} <= now() - interval '15 minutes')`,
    );
  if (rows.length > 0) await enqueue(rows.map((r) => r.id));
  return rows.length;
}
