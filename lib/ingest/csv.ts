import { parse } from "csv-parse/sync";
import { fieldMessages } from "@/lib/http/fields";
import { type TicketInput, ticketInputSchema } from "./schemas";

/** A CSV of tickets, as admins upload it: one header row, then one ticket per row. */
export const CSV_COLUMNS = ["externalId", "subject", "body", "from", "customerRef", "channel"] as const;
const REQUIRED = ["externalId", "subject", "body", "from"] as const;
// Under Next's 1 MB limit on a server action's request body.
export const CSV_LIMITS = { bytes: 900_000, rows: 1_000 } as const;
export const CSV_DEFAULT_CHANNEL = "email";

export interface CsvTicketRow {
  /** 1-based, counting data rows only. */
  row: number;
  /** The file line the row ends on (a quoted cell may span lines). */
  line: number;
  externalId: string;
  subject: string;
  from: string;
  channel: string;
  errors: string[];
  /** Present when the row is valid: exactly what the ingest API would accept. */
  input?: TicketInput;
}

export type CsvParseResult =
  | { ok: true; rows: CsvTicketRow[]; ignoredColumns: string[] }
  | { ok: false; error: string };

/**
 * Parses and validates a tickets CSV with the ingest API's own schema. A
 * problem with the file as a whole (no header, a broken quote, too big) is an
 * error; a problem with a row is listed on that row, so the valid rows can
 * still be imported.
 */
export function parseTicketCsv(text: string): CsvParseResult {
  if (text.length > CSV_LIMITS.bytes) {
    return {
      ok: false,
      error: `The file is larger than ${CSV_LIMITS.bytes.toLocaleString("en-US")} characters. Split it, or send the tickets with the API's batch endpoint.`,
    };
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: 200_000,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: `The file is not valid CSV: ${message.slice(0, 300)}. Fix it and upload it again.`,
    };
  }
  const [header, ...data] = records;
  if (!header)
    return {
      ok: false,
      error: `The file is empty. Upload a CSV with the columns ${CSV_COLUMNS.join(", ")}.`,
    };
  const known = new Map<string, string>(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns = header.record.map((name) => known.get(name.trim().toLowerCase()) ?? null);
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    return {
      ok: false,
      error: `The header row lacks ${missing.join(", ")}. The first row must name the columns: ${CSV_COLUMNS.join(", ")} (customerRef and channel are optional).`,
    };
  }
  if (data.length === 0) return { ok: false, error: "The file has a header row but no tickets." };
  if (data.length > CSV_LIMITS.rows) {
    return {
      ok: false,
      error: `The file has ${data.length.toLocaleString("en-US")} tickets; import at most ${CSV_LIMITS.rows.toLocaleString("en-US")} at a time. Split it into smaller files.`,
    };
  }
  const ignoredColumns = header.record.filter((_, i) => columns[i] === null).map((name) => name.trim());
  const firstRowOf = new Map<string, number>();
  const rows = data.map(({ record, info }, index): CsvTicketRow => {
    const cell = (name: (typeof CSV_COLUMNS)[number]) => {
      const at = columns.indexOf(name);
      return at >= 0 ? (record[at] ?? "") : "";
    };
    const values = {
      externalId: cell("externalId").trim(),
      subject: cell("subject").trim(),
      body: cell("body"),
      from: cell("from").trim(),
      customerRef: cell("customerRef").trim() || undefined,
      channel: cell("channel").trim().toLowerCase() || CSV_DEFAULT_CHANNEL,
    };
    const row = index + 1;
    const errors: string[] = [];
    if (record.length !== header.record.length) {
      errors.push(
        `has ${record.length} cells but the header has ${header.record.length}; check the quoting.`,
      );
    }
    const parsed = ticketInputSchema.safeParse(values);
    if (!parsed.success) {
      for (const [field, messages] of Object.entries(fieldMessages(parsed.error))) {
        for (const message of messages)
          errors.push(message.startsWith(field) ? message : `${field}: ${message}`);
      }
    }
    const earlier = firstRowOf.get(values.externalId);
    if (values.externalId && earlier !== undefined) {
      errors.push(`externalId repeats row ${earlier}'s; keep one row per ticket.`);
    } else if (values.externalId) firstRowOf.set(values.externalId, row);
    return {
      row,
      line: info.lines,
      externalId: values.externalId,
      subject: values.subject,
      from: values.from,
      channel: values.channel,
      errors,
      input: errors.length === 0 && parsed.success ? parsed.data : undefined,
    };
  });
  return { ok: true, rows, ignoredColumns };
}
