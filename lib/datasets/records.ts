import { stringify } from "csv-stringify/sync";
import { ticketMessage } from "@/lib/agent/prompt";
import type { ExportRow, TrainingRow } from "./source";

/**
 * The pure record formatters. Each writes one JSON line in pieces through
 * `write` (see ChunkWriter), so no per-record string has to be built; the
 * bytes are exactly what JSON.stringify of the same object gives plus "\n",
 * which the tests check. `systemJson` is the system prompt already
 * JSON-encoded (once per policy version, not once per row), or null when the
 * policy version has no instructions.
 */
export type Write = (text: string) => void;

/** The user turn: the ticket in the format the agent's loop sends it (see lib/agent/prompt.ts). */
export function ticketTurn(row: Pick<TrainingRow, "fromEmail" | "subject" | "body" | "channel">): string {
  return ticketMessage(row);
}

function writePrompt(write: Write, systemJson: string | null, user: string) {
  if (systemJson !== null) {
    write('{"role":"system","content":');
    write(systemJson);
    write("},");
  }
  write('{"role":"user","content":');
  write(JSON.stringify(user));
  write("}");
}

function writeAssistant(write: Write, content: string) {
  write('[{"role":"assistant","content":');
  write(JSON.stringify(content));
  write("}]");
}

/** OpenAI chat fine-tuning (SFT): `{"messages":[system, user, assistant]}`. */
export function writeSft(write: Write, systemJson: string | null, user: string, reply: string): void {
  write('{"messages":[');
  writePrompt(write, systemJson, user);
  write(',{"role":"assistant","content":');
  write(JSON.stringify(reply));
  write("}]}\n");
}

/** OpenAI preference fine-tuning (DPO): the reviewer's edit preferred over the agent's draft. */
export function writeDpo(
  write: Write,
  systemJson: string | null,
  user: string,
  preferred: string,
  nonPreferred: string,
): void {
  write('{"input":{"messages":[');
  writePrompt(write, systemJson, user);
  write(']},"preferred_output":');
  writeAssistant(write, preferred);
  write(',"non_preferred_output":');
  writeAssistant(write, nonPreferred);
  write("}\n");
}

/** Hugging Face TRL preference data, conversational form: prompt, chosen and rejected as messages. */
export function writeTrl(
  write: Write,
  systemJson: string | null,
  user: string,
  chosen: string,
  rejected: string,
): void {
  write('{"prompt":[');
  writePrompt(write, systemJson, user);
  write('],"chosen":');
  writeAssistant(write, chosen);
  write(',"rejected":');
  writeAssistant(write, rejected);
  write("}\n");
}

type Text = (value: string) => string;
type Cell = string | number | null;

/** Exact dollars from integer micro-dollars, without going through a float. */
export function microUsdToDollars(micro: number): string {
  const sign = micro < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(micro));
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, "0")}`;
}

const iso = (d: Date) => d.toISOString();
const optional = (text: Text, value: string | null) => (value === null ? null : text(value));

/** The CSV columns, in order: each review with its ticket, action, run and policy version. */
export const CSV_COLUMNS: readonly { header: string; cell: (row: ExportRow, text: Text) => Cell }[] = [
  { header: "review_id", cell: (r) => r.reviewId },
  { header: "reviewed_at", cell: (r) => iso(r.reviewedAt) },
  { header: "decision", cell: (r) => r.decision },
  { header: "rating", cell: (r) => r.rating },
  { header: "reason_tags", cell: (r) => r.reasonTags.join(";") },
  { header: "comment", cell: (r, t) => optional(t, r.comment) },
  { header: "reason", cell: (r, t) => optional(t, r.reason) },
  { header: "original_text", cell: (r, t) => optional(t, r.originalText) },
  { header: "final_text", cell: (r, t) => optional(t, r.finalText) },
  { header: "edit_distance", cell: (r) => r.editDistance },
  { header: "action_id", cell: (r) => r.actionId },
  { header: "action_kind", cell: (r) => r.actionKind },
  { header: "proposed_at", cell: (r) => iso(r.proposedAt) },
  { header: "ticket_id", cell: (r) => r.ticketId },
  { header: "ticket_external_id", cell: (r) => r.externalId },
  { header: "ticket_channel", cell: (r) => r.channel },
  { header: "ticket_subject", cell: (r, t) => t(r.subject) },
  { header: "ticket_body", cell: (r, t) => t(r.body) },
  { header: "ticket_created_at", cell: (r) => iso(r.ticketCreatedAt) },
  { header: "reviewer_id", cell: (r) => r.reviewerId },
  { header: "policy_version", cell: (r) => r.policyVersion },
  { header: "model", cell: (r) => r.model },
  { header: "input_tokens", cell: (r) => r.inputTokens },
  { header: "output_tokens", cell: (r) => r.outputTokens },
  { header: "cost_micro_usd", cell: (r) => r.costMicroUsd },
  { header: "cost_usd", cell: (r) => microUsdToDollars(r.costMicroUsd) },
  { header: "demo", cell: (r) => (r.demo ? "true" : "false") },
];

export function csvHeader(): string {
  return stringify([CSV_COLUMNS.map((c) => c.header)]);
}

/**
 * The characters that make a spreadsheet read a cell as a formula (OWASP's
 * CSV-injection guidance: = + - @ tab and carriage return, and the full-width
 * forms Apple Numbers folds into them). A text cell starting with one gets a
 * leading `'`, so it is shown as text; number cells are left as they are.
 */
export const FORMULA_PREFIXES = [
  "=",
  "+",
  "-",
  "@",
  "\t",
  "\r",
  "\uFF1D",
  "\uFF0B",
  "\uFF0D",
  "\uFF20",
] as const;

/** CSV text (RFC 4180 quoting, `\n` line ends, formula prefixes neutralised) for a batch of rows. */
export function csvRows(rows: readonly ExportRow[], text: Text = (s) => s): string {
  return stringify(
    rows.map((row) => CSV_COLUMNS.map((c) => c.cell(row, text))),
    { escape_formulas: true },
  );
}
