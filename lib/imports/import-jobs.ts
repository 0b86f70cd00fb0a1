import { desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { type ImportStatus, importJobs } from "@/db/schema";

/** What the import page and GET /api/v1/imports/{id} show of one import. */
export interface ImportJobView {
  id: string;
  fileName: string;
  status: ImportStatus;
  total: number;
  processed: number;
  created: number;
  skipped: number;
  failed: number;
  errors: { line: number; message: string }[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** At most this many row errors are kept per import: enough to fix a file, bounded in size. */
export const MAX_IMPORT_ERRORS = 100;

const view = {
  id: importJobs.id,
  fileName: importJobs.fileName,
  status: importJobs.status,
  total: importJobs.total,
  processed: importJobs.processed,
  created: importJobs.created,
  skipped: importJobs.skipped,
  failed: importJobs.failed,
  errors: importJobs.errors,
  createdAt: importJobs.createdAt,
  startedAt: importJobs.startedAt,
  finishedAt: importJobs.finishedAt,
};

type Row = typeof importJobs.$inferSelect;

function toView(row: Omit<Row, "csv" | "createdBy">): ImportJobView {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** Stores an accepted upload as a queued import (inside the caller's transaction). */
export async function createImportJob(
  tx: Pick<Db, "insert">,
  input: { fileName: string; csv: string; total: number; createdBy: string },
): Promise<string> {
  const [row] = await tx
    .insert(importJobs)
    .values({ fileName: input.fileName, csv: input.csv, total: input.total, createdBy: input.createdBy })
    .returning({ id: importJobs.id });
  if (!row) throw new Error("Storing the import returned no row");
  return row.id;
}

export async function getImportJob(db: Db, id: string): Promise<ImportJobView | null> {
  const [row] = await db.select(view).from(importJobs).where(eq(importJobs.id, id)).limit(1);
  return row ? toView(row) : null;
}

/** The latest imports, newest first, for the import page. */
export async function listRecentImports(db: Db, limit = 10): Promise<ImportJobView[]> {
  const rows = await db.select(view).from(importJobs).orderBy(desc(importJobs.createdAt)).limit(limit);
  return rows.map(toView);
}

export function isFinished(status: ImportStatus): boolean {
  return status === "done" || status === "failed";
}
