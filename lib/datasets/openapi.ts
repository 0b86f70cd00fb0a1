import { z } from "zod";
import { DECISIONS } from "@/db/schema";
import { errorResponse, jsonResponse, type OpenApiSection } from "@/lib/openapi/section";
import { REASON_TAGS } from "@/lib/review/schema";
import { EXPORT_FORMATS, FORMAT_INFO } from "./formats";

const counts = z.object(
  Object.fromEntries(EXPORT_FORMATS.map((f) => [f, z.number().int().min(0)])) as {
    [K in (typeof EXPORT_FORMATS)[number]]: z.ZodNumber;
  },
);

/** What `GET /api/v1/exports/{format}/count` answers. */
export const exportCountSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  records: z.number().int().min(0).describe("Records the export would hold now."),
  formats: counts.describe("Records each format holds for the same filters."),
  asOf: z.iso
    .datetime()
    .describe("The snapshot counted: pass it as `asOf` to download exactly these records."),
  query: z.string().describe("The normalised query string, `asOf` included."),
});

/** What `GET /api/v1/exports/{format}/preview` answers. */
export const exportPreviewSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  records: z
    .array(z.unknown())
    .describe("The first records of the file (up to 5): JSON objects, or CSV rows keyed by column."),
});

const filtersSchema = z.object({
  since: z.string().optional(),
  until: z.string().optional(),
  decision: z.array(z.enum(DECISIONS)).optional(),
  tags: z.array(z.enum(REASON_TAGS)).optional(),
  policyVersion: z.number().int().optional(),
  minRating: z.number().int().optional(),
  model: z.string().optional(),
  demo: z.boolean(),
  redact: z.boolean(),
  redactOrders: z.boolean(),
});

const tallySchema = z.object({ email: z.number(), phone: z.number(), card: z.number(), order: z.number() });

/** The manifest (see lib/datasets/manifest.ts); the tests check real manifests against it. */
export const exportManifestSchema = z.object({
  manifestVersion: z.literal(1),
  generator: z.object({ name: z.literal("Countersign"), version: z.string() }),
  format: z.enum(EXPORT_FORMATS),
  description: z.string(),
  file: z.object({
    name: z.string(),
    contentType: z.string(),
    records: z.number().int().min(0),
    bytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  generatedAt: z.iso.datetime(),
  asOf: z.iso.datetime(),
  filters: filtersSchema,
  counts: z.object({
    records: z.number().int().min(0),
    byDecision: z.object(
      Object.fromEntries(DECISIONS.map((d) => [d, z.number().int().min(0)])) as {
        [K in (typeof DECISIONS)[number]]: z.ZodNumber;
      },
    ),
    formats: counts,
  }),
  policyVersions: z.array(
    z.object({ version: z.number().int().nullable(), id: z.string().nullable(), records: z.number().int() }),
  ),
  models: z.array(z.object({ model: z.string(), records: z.number().int() })),
  redaction: z.object({
    enabled: z.boolean(),
    orderNumbers: z.boolean(),
    replaced: tallySchema,
    pairsLeftOut: z
      .number()
      .int()
      .describe("Preference pairs left out: the edit changed only redacted text."),
  }),
  reproduce: z.object({ api: z.string(), cli: z.string() }),
});

const query = (name: string, description: string, schema: Record<string, unknown>) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});

/** The query parameters every exports route reads (lib/datasets/filters.ts). */
export const EXPORT_PARAMETERS = [
  {
    name: "format",
    in: "path",
    required: true,
    description: EXPORT_FORMATS.map((f) => `\`${f}\`: ${FORMAT_INFO[f].description}`).join(" "),
    schema: { type: "string", enum: [...EXPORT_FORMATS] },
  },
  query("since", "Reviews from this UTC day (`2026-01-01`) or time (ISO 8601 with offset), inclusive.", {
    type: "string",
  }),
  query("until", "Reviews up to the end of this UTC day, or before this time (exclusive).", {
    type: "string",
  }),
  query("decision", `Comma list of ${DECISIONS.join(", ")}.`, { type: "string" }),
  query("tags", `Comma list of reason tags (reviews with any of them): ${REASON_TAGS.join(", ")}.`, {
    type: "string",
  }),
  query("policyVersion", "The policy version number the agent ran under.", { type: "integer", minimum: 1 }),
  query("minRating", "Reviews rated at least this (1-5); unrated reviews are left out.", {
    type: "integer",
    minimum: 1,
    maximum: 5,
  }),
  query("model", "The model id the run was routed to, e.g. `offline`.", { type: "string" }),
  query("demo", "`false` leaves out the generated demo history.", { type: "boolean", default: true }),
  query("redact", "Replace e-mail addresses, phone numbers and card numbers in every text field.", {
    type: "boolean",
    default: false,
  }),
  query("redactOrders", "Also replace order numbers (ORD-123456); implies `redact`.", {
    type: "boolean",
    default: false,
  }),
  query(
    "asOf",
    "Snapshot time: reviews created later are left out, so the same request gives the same bytes. Default: now.",
    { type: "string", format: "date-time" },
  ),
];

const AUTH_ERRORS = {
  "400": errorResponse("A filter is not valid; the message says which and how to fix it."),
  "401": errorResponse("No session and no API key, or an unknown key."),
  "403": errorResponse(
    "The user's role or the key lacks the `datasets:export` scope, or the key is revoked.",
  ),
  "404": errorResponse("Not one of the formats sft, dpo, trl, csv."),
};

const SECURITY = [{ apiKey: [] }, { session: [] }];

/** The feedback dataset exports (scope `datasets:export`). */
export const datasetsOpenApi: OpenApiSection = {
  requestSchemas: {},
  responseSchemas: {
    ExportCount: exportCountSchema,
    ExportManifest: exportManifestSchema,
    ExportPreview: exportPreviewSchema,
  },
  paths: {
    "/api/v1/exports/{format}": {
      get: {
        operationId: "exportDataset",
        tags: ["exports"],
        summary: "Download a feedback dataset",
        description:
          "Streams the dataset (chunked), oldest review first. `sft`: OpenAI chat fine-tuning JSONL, one example " +
          "per approved or edited reply. `dpo`: OpenAI preference fine-tuning JSONL and `trl`: Hugging Face TRL " +
          "preference JSONL, one pair per edited reply. `csv`: every review with its context. The manifest of the " +
          "same bytes is at `/api/v1/exports/{format}/manifest` with the same query and `asOf` (see the `Link` header).",
        security: SECURITY,
        parameters: EXPORT_PARAMETERS,
        responses: {
          "200": {
            description: "The file.",
            headers: {
              "Content-Disposition": {
                description: 'attachment; filename="countersign-<format>-<YYYY-MM-DD>.<jsonl|csv>"',
                schema: { type: "string" },
              },
              "X-Record-Count": { description: "Records in the file.", schema: { type: "integer" } },
              "X-Export-As-Of": {
                description: "The snapshot: pass it as `asOf` to repeat the export or fetch its manifest.",
                schema: { type: "string", format: "date-time" },
              },
              Link: { description: 'The manifest, rel="describedby".', schema: { type: "string" } },
            },
            content: {
              "application/x-ndjson": { schema: { type: "string" } },
              "text/csv": { schema: { type: "string" } },
            },
          },
          ...AUTH_ERRORS,
        },
      },
    },
    "/api/v1/exports/{format}/count": {
      get: {
        operationId: "countDataset",
        tags: ["exports"],
        summary: "How many records an export would hold",
        security: SECURITY,
        parameters: EXPORT_PARAMETERS,
        responses: { "200": jsonResponse("ExportCount", "The count and its snapshot."), ...AUTH_ERRORS },
      },
    },
    "/api/v1/exports/{format}/preview": {
      get: {
        operationId: "previewDataset",
        tags: ["exports"],
        summary: "The first records of an export, built and redacted as the download builds them",
        security: SECURITY,
        parameters: EXPORT_PARAMETERS,
        responses: { "200": jsonResponse("ExportPreview", "The first records."), ...AUTH_ERRORS },
      },
    },
    "/api/v1/exports/{format}/manifest": {
      get: {
        operationId: "getDatasetManifest",
        tags: ["exports"],
        summary: "The manifest of an export: counts, filters, policy versions, SHA-256",
        description:
          "Computed by streaming the same content, so it takes as long as the download. Pass the download's " +
          "`X-Export-As-Of` as `asOf` to describe exactly that file.",
        security: SECURITY,
        parameters: EXPORT_PARAMETERS,
        responses: { "200": jsonResponse("ExportManifest", "The manifest."), ...AUTH_ERRORS },
      },
    },
  },
};
