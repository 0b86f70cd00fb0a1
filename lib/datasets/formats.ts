import { AppError } from "@/lib/errors";

export const EXPORT_FORMATS = ["sft", "dpo", "trl", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface FormatInfo {
  label: string;
  /** What one record is, for people choosing a format. */
  description: string;
  extension: "jsonl" | "csv";
  contentType: string;
}

export const FORMAT_INFO: Record<ExportFormat, FormatInfo> = {
  sft: {
    label: "SFT (OpenAI chat fine-tuning)",
    description: "One conversation per approved or edited reply: system, ticket, the countersigned reply.",
    extension: "jsonl",
    contentType: "application/x-ndjson; charset=utf-8",
  },
  dpo: {
    label: "DPO (OpenAI preference fine-tuning)",
    description: "One pair per edited reply: the reviewer's edit preferred over the agent's draft.",
    extension: "jsonl",
    contentType: "application/x-ndjson; charset=utf-8",
  },
  trl: {
    label: "TRL (Hugging Face preference pairs)",
    description: "One prompt / chosen / rejected record per edited reply, in TRL's conversational form.",
    extension: "jsonl",
    contentType: "application/x-ndjson; charset=utf-8",
  },
  csv: {
    label: "CSV (every review)",
    description: "One row per review of any kind, with its ticket, decision, texts, model, tokens and cost.",
    extension: "csv",
    contentType: "text/csv; charset=utf-8",
  },
};

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

export function parseExportFormat(value: string | undefined): ExportFormat {
  if (value && isExportFormat(value)) return value;
  throw new AppError(
    "not_found:export",
    `There is no export format "${value ?? ""}". Use one of: ${EXPORT_FORMATS.join(", ")}.`,
  );
}

/** `countersign-sft-2026-11-24.jsonl`: the day is the export's snapshot time (UTC). */
export function exportFileName(format: ExportFormat, asOf: Date): string {
  return `countersign-${format}-${asOf.toISOString().slice(0, 10)}.${FORMAT_INFO[format].extension}`;
}
