import { and, asc, eq, gte, inArray, isNotNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { agentRuns, policyVersions, reviews, tickets } from "@/db/schema";
import { type ExportRequest, sinceBound, untilBound } from "./filters";
import type { ExportFormat } from "./formats";

/** Rows read per query: large enough to amortise a round trip, small enough to keep memory flat. */
export const EXPORT_BATCH_SIZE = 1_000;

/** One review with everything an export needs from its action, ticket, run and policy version. */
export interface ExportRow {
  reviewId: string;
  reviewedAt: Date;
  /** `created_at` as PostgreSQL prints it, with microseconds: the keyset cursor (a Date would lose them). */
  cursorAt: string;
  reviewerId: string | null;
  decision: (typeof reviews.$inferSelect)["decision"];
  rating: number | null;
  reasonTags: string[];
  comment: string | null;
  reason: string | null;
  originalText: string | null;
  finalText: string | null;
  editDistance: number | null;
  demo: boolean;
  actionId: string;
  actionKind: (typeof reviews.$inferSelect)["actionKind"];
  proposedAt: Date;
  ticketId: string;
  externalId: string;
  fromEmail: string;
  channel: string;
  subject: string;
  body: string;
  ticketCreatedAt: Date;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  policyVersionId: string | null;
  policyVersion: number | null;
}

/** What the training formats need: the prompt's parts, the texts and what the manifest counts. */
export type TrainingRow = Pick<
  ExportRow,
  | "reviewId"
  | "cursorAt"
  | "decision"
  | "fromEmail"
  | "channel"
  | "subject"
  | "body"
  | "finalText"
  | "model"
  | "policyVersionId"
  | "policyVersion"
> & { originalText?: string | null };

const TRAINING_COLUMNS = {
  reviewId: reviews.id,
  cursorAt: sql<string>`${reviews.createdAt}::text`,
  decision: reviews.decision,
  fromEmail: tickets.fromEmail,
  channel: tickets.channel,
  subject: tickets.subject,
  body: tickets.body,
  finalText: reviews.finalText,
  model: reviews.model,
  policyVersionId: reviews.policyVersionId,
  policyVersion: policyVersions.version,
};

const PAIR_COLUMNS = { ...TRAINING_COLUMNS, originalText: reviews.originalText };
const SFT_PAGE = trainingPage(TRAINING_COLUMNS);
const PAIR_PAGE = trainingPage(PAIR_COLUMNS);

const REVIEW_COLUMNS = {
  ...PAIR_COLUMNS,
  reviewedAt: reviews.createdAt,
  reviewerId: reviews.reviewerId,
  rating: reviews.rating,
  reasonTags: reviews.reasonTags,
  comment: reviews.comment,
  reason: reviews.reason,
  editDistance: reviews.editDistance,
  demo: reviews.demo,
  actionId: reviews.actionId,
  actionKind: reviews.actionKind,
  proposedAt: reviews.proposedAt,
  ticketId: tickets.id,
  externalId: tickets.externalId,
  ticketCreatedAt: tickets.createdAt,
  inputTokens: agentRuns.inputTokens,
  outputTokens: agentRuns.outputTokens,
  costMicroUsd: agentRuns.costMicroUsd,
};

/**
 * Which reviews a format is made of. SFT: replies a person countersigned
 * (approved as drafted, or edited then approved). Preference pairs: edited
 * replies whose edit changed the text. Rejected and escalated drafts, and
 * escalation or refund actions, never enter SFT or the preferred side of a pair.
 */
export function formatCondition(format: ExportFormat): SQL | undefined {
  if (format === "sft") {
    return and(
      eq(reviews.actionKind, "reply"),
      inArray(reviews.decision, ["approve", "edit"]),
      isNotNull(reviews.finalText),
    );
  }
  if (format === "dpo" || format === "trl") {
    return and(
      eq(reviews.actionKind, "reply"),
      eq(reviews.decision, "edit"),
      isNotNull(reviews.finalText),
      isNotNull(reviews.originalText),
      sql`${reviews.finalText} <> ${reviews.originalText}`,
    );
  }
  return undefined;
}

/**
 * The filters that concern the review itself, and the snapshot. Only people's
 * decisions are feedback: the autopilot's approvals are never exported.
 */
function reviewCondition({ filters, asOf }: ExportRequest): SQL | undefined {
  const tags = filters.tags ?? [];
  return and(
    eq(reviews.source, "person"),
    lte(reviews.createdAt, asOf),
    filters.since ? gte(reviews.createdAt, sinceBound(filters.since)) : undefined,
    filters.until ? lt(reviews.createdAt, untilBound(filters.until)) : undefined,
    filters.decision?.length ? inArray(reviews.decision, filters.decision) : undefined,
    tags.length
      ? sql`${reviews.reasonTags} && array[${sql.join(
          tags.map((t) => sql`${t}`),
          sql`, `,
        )}]::text[]`
      : undefined,
    filters.minRating ? gte(reviews.rating, filters.minRating) : undefined,
    filters.demo ? undefined : eq(reviews.demo, false),
  );
}

/** The filters that concern the agent run the review's action came from (copied onto the review). */
function runCondition({ filters }: ExportRequest): SQL | undefined {
  return and(
    filters.policyVersion
      ? sql`${reviews.policyVersionId} in (select ${policyVersions.id} from ${policyVersions} where ${policyVersions.version} = ${filters.policyVersion})`
      : undefined,
    filters.model ? eq(reviews.model, filters.model) : undefined,
  );
}

/** The user's filters and the snapshot, as one condition. */
export function filterCondition(request: ExportRequest): SQL | undefined {
  return and(reviewCondition(request), runCondition(request));
}

type Keyed = { cursorAt: string; reviewId: string };

/** One page of rows: the filters (keyset condition included), oldest review first, at most `limit`. */
type PageQuery<T> = (tx: Db, where: SQL | undefined, limit: number) => Promise<T[]>;

const ORDER = sql`order by ${reviews.createdAt}, ${reviews.id}`;

/**
 * The CSV's rows: reviews with their tickets, runs and policy versions, read
 * through Drizzle's select so each column arrives in its TypeScript type
 * (dates, bigint costs as numbers) on both drivers.
 */
const reviewPage: PageQuery<ExportRow> = async (tx, where, limit) =>
  (await tx
    .select(REVIEW_COLUMNS)
    .from(reviews)
    .innerJoin(tickets, eq(tickets.id, reviews.ticketId))
    .innerJoin(agentRuns, eq(agentRuns.id, reviews.runId))
    .leftJoin(policyVersions, eq(policyVersions.id, reviews.policyVersionId))
    .where(where)
    .orderBy(asc(reviews.createdAt), asc(reviews.id))
    .limit(limit)) as ExportRow[];

/**
 * The training rows: text columns and one integer only, so the driver's own
 * rows are used as they come (one object a row, no mapping pass): a million
 * rows allocate half as much, which is most of the difference in speed and memory.
 */
function trainingPage(columns: Record<string, unknown>): PageQuery<TrainingRow> {
  const selection = sql.join(
    Object.entries(columns).map(([alias, column]) => sql`${column} as ${sql.identifier(alias)}`),
    sql`, `,
  );
  return async (tx, where, limit) =>
    rowsOf<TrainingRow>(
      await tx.execute(sql`
        select ${selection}
        from ${reviews}
        join ${tickets} on ${tickets.id} = ${reviews.ticketId}
        left join ${policyVersions} on ${policyVersions.id} = ${reviews.policyVersionId}
        where ${where ?? sql`true`}
        ${ORDER}
        limit ${limit}`),
    );
}

/**
 * Reads the rows of an export in batches, oldest review first, with keyset
 * pagination on (created_at, id): each batch is one short query, so memory
 * stays flat, no transaction or cursor is held open between batches, and it
 * works the same on PGlite and postgres.js. The next batch is fetched while
 * the caller works on the current one. Parallel workers are turned off for
 * these queries: for a 1,000-row index walk their start-up costs more than
 * they save, and an export should not take the cores the app needs.
 */
async function* keysetBatches<T extends Keyed>(
  db: Db,
  page: PageQuery<T>,
  where: SQL | undefined,
  batchSize: number,
): AsyncGenerator<T[]> {
  const fetchAfter = (after?: Keyed): Promise<T[]> =>
    db.transaction(async (tx) => {
      await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
      const keyset = after
        ? sql`(${reviews.createdAt}, ${reviews.id}) > (${after.cursorAt}::timestamptz, ${after.reviewId}::uuid)`
        : undefined;
      return page(tx as unknown as Db, and(where, keyset), batchSize);
    });

  let pending: Promise<T[]> | null = fetchAfter();
  try {
    while (pending) {
      const rows: T[] = await pending;
      const last = rows.at(-1);
      pending = rows.length === batchSize && last ? fetchAfter(last) : null;
      if (rows.length > 0) yield rows;
    }
  } finally {
    // The caller stopped early (a cancelled download): do not leave a rejection unhandled.
    pending?.catch(() => undefined);
  }
}

/** The rows of a JSONL (training) export: only the columns its records are made of. */
export function trainingRowBatches(
  db: Db,
  format: Exclude<ExportFormat, "csv">,
  request: ExportRequest,
  options: { batchSize?: number } = {},
): AsyncGenerator<TrainingRow[]> {
  return keysetBatches<TrainingRow>(
    db,
    format === "sft" ? SFT_PAGE : PAIR_PAGE,
    and(formatCondition(format), filterCondition(request)),
    options.batchSize ?? EXPORT_BATCH_SIZE,
  );
}

/** The rows of the CSV export: every review with its whole context. */
export function reviewRowBatches(
  db: Db,
  request: ExportRequest,
  options: { batchSize?: number } = {},
): AsyncGenerator<ExportRow[]> {
  return keysetBatches<ExportRow>(
    db,
    reviewPage,
    filterCondition(request),
    options.batchSize ?? EXPORT_BATCH_SIZE,
  );
}

/**
 * How many records each format would hold for these filters, in one scan of
 * reviews: every filter reads the review's own columns (kind, model and policy
 * version are copied onto it), and the exports' inner join to tickets never
 * drops a review (a non-null foreign key), so nothing needs joining here.
 */
export async function countExportRecords(
  db: Db,
  request: ExportRequest,
): Promise<Record<ExportFormat, number>> {
  const [row] = await db.transaction(async (tx) => {
    // Compiling this one-off scan costs more than it saves.
    await tx.execute(sql`set local jit = off`);
    return rowsOf<{ sft: number; pairs: number; csv: number }>(
      await tx.execute(sql`
        select count(*) filter (where ${formatCondition("sft")})::int as sft,
               count(*) filter (where ${formatCondition("dpo")})::int as pairs,
               count(*)::int as csv
        from ${reviews}
        where ${filterCondition(request) ?? sql`true`}`),
    );
  });
  const pairs = Number(row?.pairs ?? 0);
  return { sft: Number(row?.sft ?? 0), dpo: pairs, trl: pairs, csv: Number(row?.csv ?? 0) };
}

/** The model ids runs were routed to, for the exports page's model filter. */
export async function listRunModels(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ model: agentRuns.model })
    .from(agentRuns)
    .orderBy(asc(agentRuns.model))
    .limit(100);
  return rows.map((r) => r.model);
}
