"use server";

import { inArray } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { recordAudit } from "@/db/queries/audit";
import { tickets } from "@/db/schema";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";
import { createImportJob } from "@/lib/imports/import-jobs";
import { CSV_LIMITS, parseTicketCsv } from "@/lib/ingest/csv";
import { payloadHash } from "@/lib/ingest/payload-hash";
import { appQueue } from "@/lib/jobs/app-queue";
import { enqueueImports } from "@/lib/jobs/import-queue";

export interface CsvPreviewRow {
  row: number;
  line: number;
  externalId: string;
  subject: string;
  from: string;
  channel: string;
  errors: string[];
  /** What importing the row would do. */
  outcome: "new" | "existing" | "conflict" | "invalid";
}

export interface CsvPreview {
  rows: CsvPreviewRow[];
  valid: number;
  ignoredColumns: string[];
}

/** Parses and validates the file, and says per row whether it is new, already imported or in conflict. */
export async function previewCsvAction(csv: string): Promise<ActionResult<CsvPreview>> {
  try {
    await requireScope("tickets:ingest");
    // A server action is a public endpoint: the argument may be anything.
    if (typeof csv !== "string") return { ok: false, error: "Choose a CSV file to upload." };
    const parsed = parseTicketCsv(csv);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const valid = parsed.rows.filter((r) => r.input);
    const ids = valid.map((r) => r.externalId);
    const stored = ids.length
      ? await (await getDb())
          .select({ externalId: tickets.externalId, payloadHash: tickets.payloadHash })
          .from(tickets)
          .where(inArray(tickets.externalId, ids))
      : [];
    const hashes = new Map(stored.map((s) => [s.externalId, s.payloadHash]));
    return {
      ok: true,
      data: {
        valid: valid.length,
        ignoredColumns: parsed.ignoredColumns,
        rows: parsed.rows.map(({ input, ...row }) => ({
          ...row,
          outcome: !input
            ? "invalid"
            : !hashes.has(row.externalId)
              ? "new"
              : hashes.get(row.externalId) === payloadHash(input)
                ? "existing"
                : "conflict",
        })),
      },
    };
  } catch (error) {
    return actionError(error);
  }
}

const uploadSchema = z.object({
  fileName: z
    .string()
    .trim()
    .min(1, "Choose a CSV file to upload.")
    .max(255, "The file name is longer than 255 characters; rename the file."),
  csv: z
    .string({ error: "Choose a CSV file to upload." })
    .max(
      CSV_LIMITS.bytes,
      `The file is larger than ${CSV_LIMITS.bytes.toLocaleString("en-US")} characters; split it into smaller files.`,
    ),
});

/**
 * Accepts a CSV for import: checks the file as a whole, stores it as a queued
 * import with its row count (with an audit row, in one transaction) and sends
 * the job; the import runs in the background (lib/imports/run-import.ts) and
 * the queue's sweep sends any job this enqueue did not, so an accepted import always runs.
 */
export async function startCsvImportAction(input: {
  fileName: string;
  csv: string;
}): Promise<ActionResult<{ importId: string; total: number }>> {
  try {
    const user = await requireScope("tickets:ingest");
    const upload = uploadSchema.safeParse(input);
    if (!upload.success) return { ok: false, error: upload.error.issues[0]?.message ?? "Choose a CSV file." };
    const parsed = parseTicketCsv(upload.data.csv);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    if (!parsed.rows.some((r) => r.input))
      return { ok: false, error: "No row is valid; fix the errors shown and upload again." };
    const total = parsed.rows.length;
    const importId = await (await getDb()).transaction(async (tx) => {
      const id = await createImportJob(tx, { ...upload.data, total, createdBy: user.id });
      await recordAudit(tx, {
        actorId: user.id,
        actorType: "user",
        action: "tickets.import",
        entityType: "import",
        entityId: id,
        data: { fileName: upload.data.fileName, rows: total },
      });
      return id;
    });
    try {
      await enqueueImports(await appQueue(), [importId]);
    } catch (error) {
      // Stored as queued: the import sweep sends it within a heartbeat or two.
      console.error("csv import: could not queue the import", error);
    }
    // No revalidatePath: the page reads the import's progress and the recent imports itself, and a
    // server re-render here would wait behind the import's own chunks on the embedded database.
    return {
      ok: true,
      data: { importId, total },
      message: `Importing ${total.toLocaleString("en-US")} row${total === 1 ? "" : "s"} in the background.`,
    };
  } catch (error) {
    return actionError(error);
  }
}
