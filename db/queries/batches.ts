import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../client";

/**
 * Pending reply drafts grouped by the ticket's triage intent and by trigram similarity
 * (PostgreSQL's pg_trgm `similarity()`), for batch review. The grouping is the database's:
 * per intent, the representative is the most common draft text, and the batch is every pending
 * draft of the intent at least `threshold` similar to it.
 */
export interface BatchOptions {
  /** The viewer: their own claims count as free, someone else's live claim keeps a draft out. */
  viewerId: string;
  /** Only these review groups' actions (lib/routing/scope.ts); absent: every group. */
  groupIds?: string[];
  /** Least trigram similarity to the representative draft (0–1). */
  threshold: number;
  /** Most drafts in one batch. */
  maxSize: number;
  /** How many of an intent's most frequent draft texts are tried as its representative. */
  candidates: number;
  now?: Date;
}

export interface BatchSummaryRow {
  intent: string;
  representativeId: string;
  representativeText: string;
  size: number;
  oldestAt: Date;
}

export interface BatchMemberRow {
  id: string;
  version: number;
  text: string;
  similarity: number;
  createdAt: Date;
  ticketId: string;
  externalId: string;
  subject: string;
  body: string;
  fromEmail: string;
}

/** Pending reply drafts the viewer may decide now: in their groups, not held by someone else. */
function pendingDrafts(options: BatchOptions): SQL {
  const now = (options.now ?? new Date()).toISOString();
  const inScope = options.groupIds
    ? options.groupIds.length
      ? sql`and a.group_id in (${sql.join(
          options.groupIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`
      : sql`and false`
    : sql``;
  return sql`
    select a.id, a.version, a.created_at, a.ticket_id, t.triage_intent as intent,
           a.payload->>'text' as body
    from agent_actions a join tickets t on t.id = a.ticket_id
    where a.kind = 'reply' and a.status = 'pending_review' and t.triage_intent is not null
      and a.payload->>'text' is not null
      and (a.claimed_by is null or a.claimed_by = ${options.viewerId}::uuid
           or a.claim_expires_at < ${now}::timestamptz)
      ${inScope}`;
}

/**
 * The batches the viewer can work, largest first: per intent, each of the `candidates` most
 * frequent draft texts (ties: the oldest) gathers the drafts at least `threshold` similar to it,
 * and the candidate that gathers most represents the intent. Comparing against a few candidates
 * rather than every pair keeps `similarity()` calls linear in the drafts (it costs about a
 * millisecond a call on PGlite).
 */
export async function listBatches(db: Db, options: BatchOptions): Promise<BatchSummaryRow[]> {
  const rows = rowsOf<{
    intent: string;
    representativeId: string;
    representativeText: string;
    size: number;
    oldestAt: string | Date;
  }>(
    await db.execute(sql`
      with pending as materialized (${pendingDrafts(options)}),
      texts as (
        select intent, body, count(*) as n, min(created_at) as first_at from pending group by intent, body
      ),
      candidates as (
        select intent, body from (
          select t.*, row_number() over (partition by intent order by n desc, first_at) as rank from texts t
        ) ranked where rank <= ${options.candidates}
      ),
      gathered as (
        select c.intent, c.body, m.id, m.created_at,
               count(*) over (partition by c.intent, c.body) as size
        from candidates c
        cross join lateral (
          select p.id, p.created_at from pending p
          where p.intent = c.intent and similarity(p.body, c.body) >= ${options.threshold}
          order by p.created_at, p.id
          limit ${options.maxSize}
        ) m
      ),
      best as (
        select distinct on (intent) intent, body, size
        from gathered order by intent, size desc, created_at, id
      )
      select b.intent, b.size::int as size, b.body as "representativeText",
             (select p.id from pending p where p.intent = b.intent and p.body = b.body
               order by p.created_at, p.id limit 1) as "representativeId",
             (select min(g.created_at) from gathered g where g.intent = b.intent and g.body = b.body) as "oldestAt"
      from best b
      where b.size >= 2
      order by b.size desc, "oldestAt", b.intent`),
  );
  return rows.map((r) => ({ ...r, size: Number(r.size), oldestAt: new Date(r.oldestAt) }));
}

/** The representative draft's text, if it is a reply the viewer's groups may see. */
export async function representativeText(
  db: Db,
  actionId: string,
  groupIds: string[] | undefined,
): Promise<string | null> {
  const inScope = groupIds
    ? groupIds.length
      ? sql`and group_id in (${sql.join(
          groupIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`
      : sql`and false`
    : sql``;
  const [row] = rowsOf<{ text: string | null }>(
    await db.execute(sql`
      select payload->>'text' as text from agent_actions
      where id = ${actionId}::uuid and kind = 'reply' ${inScope}`),
  );
  return row?.text ?? null;
}

/** One batch's pending drafts, oldest first: the intent's drafts at least `threshold` similar to `text`. */
export async function listBatchMembers(
  db: Db,
  intent: string,
  text: string,
  options: BatchOptions,
): Promise<BatchMemberRow[]> {
  const rows = rowsOf<BatchMemberRow & { createdAt: string | Date }>(
    await db.execute(sql`
      with pending as (${pendingDrafts(options)})
      select p.id, p.version, p.body as text, t.external_id as "externalId", similarity(p.body, ${text})::float8 as similarity,
             p.created_at as "createdAt", t.id as "ticketId", t.subject, t.body, t.from_email as "fromEmail"
      from pending p join tickets t on t.id = p.ticket_id
      where p.intent = ${intent} and similarity(p.body, ${text}) >= ${options.threshold}
      order by p.created_at, p.id
      limit ${options.maxSize}`),
  );
  return rows.map((r) => ({
    ...r,
    version: Number(r.version),
    similarity: Number(r.similarity),
    createdAt: new Date(r.createdAt),
  }));
}
