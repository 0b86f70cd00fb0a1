import { z } from "zod";
import { DECISIONS, type Decision } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { REASON_TAGS, type ReasonTag } from "@/lib/review/schema";

/**
 * The filters of an export, shared by the API (query parameters), the exports
 * page and the CLI. Values arrive as strings; an empty string means "not set".
 * Dates without a time are whole UTC days: `since` from the start of its day,
 * `until` to the end of its day. Times are ISO 8601 with an offset; `until`
 * is then exclusive.
 */
export interface ExportFilters {
  since?: string;
  until?: string;
  decision?: Decision[];
  /** Reviews carrying any of these reason tags. */
  tags?: ReasonTag[];
  /** The policy version number (1, 2, ...) the agent ran under. */
  policyVersion?: number;
  minRating?: number;
  /** The model id the run was routed to, e.g. `offline` or `openai:gpt-4.1-mini`. */
  model?: string;
  /** Include reviews of the generated demo history (default true). */
  demo: boolean;
  redact: boolean;
  /** Also redact order numbers (ORD-123456); implies `redact`. */
  redactOrders: boolean;
}

export interface ExportRequest {
  filters: ExportFilters;
  /** The snapshot: reviews created after it are left out, so an export can be repeated byte for byte. */
  asOf: Date;
}

export const FILTER_KEYS = [
  "since",
  "until",
  "decision",
  "tags",
  "policyVersion",
  "minRating",
  "model",
  "demo",
  "redact",
  "redactOrders",
] as const;
const REQUEST_KEYS = [...FILTER_KEYS, "asOf"] as const;

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });

function dateOrTime(name: string) {
  return z
    .string()
    .trim()
    .refine(
      (v) => isoDate.safeParse(v).success || isoDateTime.safeParse(v).success,
      `${name} must be a date like 2026-01-01 or a time like 2026-01-01T09:30:00Z.`,
    );
}

function list<T extends string>(name: string, allowed: readonly T[]) {
  return z
    .string()
    .transform((v) => [
      ...new Set(
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z.array(
        z.enum(allowed as unknown as [T, ...T[]], {
          error: (issue) =>
            `${name} "${String(issue.input)}" is not known: use a comma list of ${allowed.join(", ")}.`,
        }),
      ),
    );
}

function flag(name: string) {
  return z
    .enum(["true", "false", "1", "0", "yes", "no"], `${name} must be true or false.`)
    .transform((v) => v === "true" || v === "1" || v === "yes");
}

const filtersSchema = z
  .object({
    since: dateOrTime("since").optional(),
    until: dateOrTime("until").optional(),
    decision: list("decision", DECISIONS).optional(),
    tags: list("tags", REASON_TAGS).optional(),
    policyVersion: z.coerce
      .number("policyVersion must be a version number such as 3.")
      .int("policyVersion must be a whole version number such as 3.")
      .positive("policyVersion must be a version number such as 3.")
      .optional(),
    minRating: z.coerce
      .number("minRating must be a number from 1 to 5.")
      .int("minRating must be a whole number from 1 to 5.")
      .min(1, "minRating must be a number from 1 to 5.")
      .max(5, "minRating must be a number from 1 to 5.")
      .optional(),
    model: z.string().trim().min(1).max(200, "model is too long: use a model id such as offline.").optional(),
    demo: flag("demo").default(true),
    redact: flag("redact").default(false),
    redactOrders: flag("redactOrders").default(false),
    asOf: z
      .string()
      .trim()
      .refine(
        (v) => isoDateTime.safeParse(v).success,
        "asOf must be a time like 2026-01-01T09:30:00.000Z (the snapshot of an earlier export).",
      )
      .optional(),
  })
  .superRefine((f, ctx) => {
    const since = f.since ? sinceBound(f.since) : undefined;
    const until = f.until ? untilBound(f.until) : undefined;
    if (since && until && since >= until) {
      ctx.addIssue({
        code: "custom",
        path: ["until"],
        message: "until is before since: pick an end date after the start date.",
      });
    }
  });

/** The inclusive lower bound of `since`. */
export function sinceBound(since: string): Date {
  return isoDate.safeParse(since).success ? new Date(`${since}T00:00:00.000Z`) : new Date(since);
}

/** The exclusive upper bound of `until`: the next midnight (UTC) for a date. */
export function untilBound(until: string): Date {
  if (!isoDate.safeParse(until).success) return new Date(until);
  const end = new Date(`${until}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return end;
}

/** Reads filters (and the optional `asOf` snapshot) from query parameters; throws a 400 that says what to fix. */
export function parseExportRequest(
  params: URLSearchParams | Record<string, string | undefined>,
  now: Date = new Date(),
): ExportRequest {
  const raw: Record<string, string> = {};
  const entries =
    params instanceof URLSearchParams
      ? [...new Set(params.keys())].map((k) => [k, params.getAll(k).join(",")] as const)
      : Object.entries(params);
  for (const [key, value] of entries) {
    if (value === undefined || value.trim() === "") continue;
    if (!(REQUEST_KEYS as readonly string[]).includes(key)) {
      throw new AppError(
        "bad_request:export",
        `Unknown filter "${key}". Use any of: ${REQUEST_KEYS.join(", ")}.`,
      );
    }
    raw[key] = value;
  }
  const parsed = filtersSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("bad_request:export", issue?.message ?? "Check the export filters.", {
      field: issue?.path.join("."),
    });
  }
  const { asOf, ...f } = parsed.data;
  const filters: ExportFilters = {
    ...(f.since ? { since: f.since } : {}),
    ...(f.until ? { until: f.until } : {}),
    ...(f.decision?.length ? { decision: f.decision } : {}),
    ...(f.tags?.length ? { tags: f.tags } : {}),
    ...(f.policyVersion ? { policyVersion: f.policyVersion } : {}),
    ...(f.minRating ? { minRating: f.minRating } : {}),
    ...(f.model ? { model: f.model } : {}),
    demo: f.demo,
    redact: f.redact || f.redactOrders,
    redactOrders: f.redactOrders,
  };
  // A snapshot in the future would let later reviews in, so the same request could give another file.
  const snapshot = asOf ? new Date(asOf) : now;
  return { filters, asOf: snapshot > now ? now : snapshot };
}

/** The filters as query parameters, in a fixed order, leaving defaults out. */
export function exportQuery(filters: ExportFilters, asOf?: Date): URLSearchParams {
  const q = new URLSearchParams();
  if (filters.since) q.set("since", filters.since);
  if (filters.until) q.set("until", filters.until);
  if (filters.decision?.length) q.set("decision", filters.decision.join(","));
  if (filters.tags?.length) q.set("tags", filters.tags.join(","));
  if (filters.policyVersion) q.set("policyVersion", String(filters.policyVersion));
  if (filters.minRating) q.set("minRating", String(filters.minRating));
  if (filters.model) q.set("model", filters.model);
  if (!filters.demo) q.set("demo", "false");
  if (filters.redactOrders) q.set("redactOrders", "true");
  else if (filters.redact) q.set("redact", "true");
  if (asOf) q.set("asOf", asOf.toISOString());
  return q;
}
