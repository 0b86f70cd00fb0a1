import { parse } from "csv-parse/sync";
import type { Db } from "@/db";
import { DatasetExport } from "./export";
import type { ExportRequest } from "./filters";
import type { ExportFormat } from "./formats";
import { RecordCounter } from "./record-ends";

/** Records shown before a download. */
export const PREVIEW_RECORDS = 5;

export interface ExportPreview {
  format: ExportFormat;
  /** The first records of the file, as the download holds them: JSON objects, or CSV rows by column. */
  records: unknown[];
}

/**
 * The first records of exactly the file the download would stream: the same
 * DatasetExport (records, redaction, order), stopped once enough bytes came.
 */
export async function previewExport(
  db: Db,
  format: ExportFormat,
  request: ExportRequest,
  limit = PREVIEW_RECORDS,
): Promise<ExportPreview> {
  const csv = format === "csv";
  const counter = new RecordCounter(csv, true);
  const dataset = new DatasetExport(db, { format, request, batchSize: limit });
  const parts: Uint8Array[] = [];
  const chunks = dataset.chunks();
  try {
    for await (const chunk of chunks) {
      parts.push(chunk);
      if (counter.push(chunk) >= limit) break;
    }
  } finally {
    await chunks.return(undefined);
  }
  const bytes = Buffer.concat(parts);
  const end = counter.ends[csv ? limit : limit - 1] ?? bytes.length;
  const text = bytes.subarray(0, end).toString("utf8");
  const records = csv
    ? (parse(text, { columns: true, bom: true }) as Record<string, string>[])
    : text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as unknown);
  return { format, records: records.slice(0, limit) };
}
