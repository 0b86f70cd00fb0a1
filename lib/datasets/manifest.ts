import type { Decision } from "@/db/schema";
import packageJson from "@/package.json";
import { type ExportFilters, exportQuery } from "./filters";
import { type ExportFormat, exportFileName, FORMAT_INFO } from "./formats";
import type { RedactionCounts } from "./redact";

/**
 * What sits beside every export so it can be reproduced and cited: what was
 * asked for (filters and snapshot), what came out (counts, policy versions,
 * models) and the SHA-256 of the exact bytes.
 */
export interface ExportManifest {
  manifestVersion: 1;
  generator: { name: "Countersign"; version: string };
  format: ExportFormat;
  description: string;
  file: { name: string; contentType: string; records: number; bytes: number; sha256: string };
  generatedAt: string;
  /** Reviews created after this time are left out; pass it back as `asOf` to get the same bytes. */
  asOf: string;
  filters: ExportFilters;
  counts: {
    records: number;
    byDecision: Record<Decision, number>;
    /** Records each format holds for the same filters and snapshot. */
    formats: Record<ExportFormat, number>;
  };
  policyVersions: { version: number | null; id: string | null; records: number }[];
  models: { model: string; records: number }[];
  redaction: {
    enabled: boolean;
    orderNumbers: boolean;
    replaced: RedactionCounts;
    /** Preference pairs left out because the edit changed only what redaction replaced. */
    pairsLeftOut: number;
  };
  reproduce: { api: string; cli: string };
}

export interface ExportTally {
  records: number;
  bytes: number;
  byDecision: Record<Decision, number>;
  policyVersions: Map<string | null, { version: number | null; records: number }>;
  models: Map<string, number>;
  redactions: RedactionCounts;
  /** Preference pairs whose two texts were the same once redacted (left out: nothing to prefer). */
  pairsLeftOut: number;
}

export function emptyTally(): ExportTally {
  return {
    records: 0,
    bytes: 0,
    byDecision: { approve: 0, edit: 0, escalate: 0, reject: 0 },
    policyVersions: new Map(),
    models: new Map(),
    redactions: { email: 0, phone: 0, card: 0, order: 0 },
    pairsLeftOut: 0,
  };
}

/** The CLI command that repeats an export (same filters, same snapshot). */
export function cliCommand(format: ExportFormat, filters: ExportFilters, asOf: Date, out: string): string {
  const flag: Record<string, string> = {
    policyVersion: "policy-version",
    minRating: "min-rating",
    asOf: "as-of",
  };
  const args = [...exportQuery(filters, asOf)].map(([key, value]) =>
    key === "redact" || key === "redactOrders"
      ? `--${key === "redact" ? "redact" : "redact-orders"}`
      : key === "demo"
        ? "--no-demo"
        : `--${flag[key] ?? key} ${value}`,
  );
  return ["npm run export --", `--format ${format}`, ...args, `--out ${out}`].join(" ");
}

export function buildManifest(input: {
  format: ExportFormat;
  filters: ExportFilters;
  asOf: Date;
  tally: ExportTally;
  sha256: string;
  formats: Record<ExportFormat, number>;
  generatedAt?: Date;
  /** The file's actual name, when it is not the default one (the CLI's `--out`). */
  fileName?: string;
}): ExportManifest {
  const { format, filters, asOf, tally } = input;
  const name = input.fileName ?? exportFileName(format, asOf);
  const query = exportQuery(filters, asOf).toString();
  return {
    manifestVersion: 1,
    generator: { name: "Countersign", version: packageJson.version },
    format,
    description: FORMAT_INFO[format].description,
    file: {
      name,
      contentType: FORMAT_INFO[format].contentType,
      records: tally.records,
      bytes: tally.bytes,
      sha256: input.sha256,
    },
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    asOf: asOf.toISOString(),
    filters,
    counts: { records: tally.records, byDecision: { ...tally.byDecision }, formats: input.formats },
    policyVersions: [...tally.policyVersions.entries()]
      .map(([id, v]) => ({ version: v.version, id, records: v.records }))
      .sort((a, b) => (a.version ?? 0) - (b.version ?? 0)),
    models: [...tally.models.entries()]
      .map(([model, records]) => ({ model, records }))
      .sort((a, b) => a.model.localeCompare(b.model)),
    redaction: {
      enabled: filters.redact,
      orderNumbers: filters.redactOrders,
      replaced: { ...tally.redactions },
      pairsLeftOut: tally.pairsLeftOut,
    },
    reproduce: {
      api: `/api/v1/exports/${format}?${query}`,
      cli: cliCommand(format, filters, asOf, name),
    },
  };
}
