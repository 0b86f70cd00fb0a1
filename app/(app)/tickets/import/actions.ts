"use server";

import { inArray } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { tickets } from "@/db/schema";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";
import { parseTicketCsv } from "@/lib/ingest/csv";
import { ingestTickets, ticketsToDraft } from "@/lib/ingest/ingest";
import { payloadHash } from "@/lib/ingest/payload-hash";
import { appQueue } from "@/lib/jobs/app-queue";
import { enqueueDrafts } from "@/lib/jobs/queue";

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

export interface CsvImportSummary {
  created: number;
  existing: number;
  conflicts: { row: number; externalId: string }[];
  invalid: number;
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

/** Imports the valid rows in one transaction (idempotent by external id), then queues them for drafting. */
export async function importCsvAction(csv: string): Promise<ActionResult<CsvImportSummary>> {
  try {
    const user = await requireScope("tickets:ingest");
    // A server action is a public endpoint: the argument may be anything.
    if (typeof csv !== "string") return { ok: false, error: "Choose a CSV file to upload." };
    const parsed = parseTicketCsv(csv);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const valid = parsed.rows.filter((r) => r.input);
    if (valid.length === 0)
      return { ok: false, error: "No row is valid; fix the errors shown and upload again." };
    const outcomes = await ingestTickets(
      await getDb(),
      valid.map((r) => r.input as NonNullable<typeof r.input>),
      { kind: "user", id: user.id },
      "csv",
    );
    const toDraft = ticketsToDraft(outcomes);
    if (toDraft.length > 0) {
      try {
        await enqueueDrafts(
          await appQueue(),
          toDraft.map((ticketId) => ({ ticketId, triggeredBy: user.id })),
        );
      } catch (error) {
        console.error("csv import: could not queue drafting", error);
      }
    }
    revalidatePath("/tickets");
    const summary: CsvImportSummary = {
      created: outcomes.filter((o) => o.status === "created").length,
      existing: outcomes.filter((o) => o.status === "existing").length,
      conflicts: outcomes
        .map((o, i) => ({ o, row: valid[i]?.row ?? 0 }))
        .filter(({ o }) => o.status === "conflict")
        .map(({ o, row }) => ({ row, externalId: o.externalId })),
      invalid: parsed.rows.length - valid.length,
    };
    const parts = [
      `Imported ${summary.created} new ticket${summary.created === 1 ? "" : "s"}`,
      summary.existing ? `${summary.existing} already imported` : "",
      summary.conflicts.length
        ? `${summary.conflicts.length} in conflict with a stored ticket (left unchanged)`
        : "",
      summary.invalid ? `${summary.invalid} invalid row${summary.invalid === 1 ? "" : "s"} skipped` : "",
    ].filter(Boolean);
    return {
      ok: true,
      data: summary,
      message: `${parts.join("; ")}.${summary.created ? " The agent drafts the new ones in the background." : ""}`,
    };
  } catch (error) {
    return actionError(error);
  }
}
