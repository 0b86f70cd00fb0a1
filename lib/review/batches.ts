import type { Db } from "@/db";
import { type BatchOptions, listBatches, listBatchMembers, representativeText } from "@/db/queries/batches";
import type { Role } from "@/db/schema";
import { queueScope } from "@/lib/routing/scope";

/** Least trigram similarity to the batch's most common draft for a draft to join the batch. */
export const BATCH_SIMILARITY = 0.5;
/** Most drafts in one batch, and most decisions in one batch approval or rejection. */
export const MAX_BATCH = 200;
/** The most frequent draft texts of an intent tried as its batch's most common draft. */
const CANDIDATES = 3;

export interface BatchSummary {
  key: string;
  intent: string;
  size: number;
  /** The most common draft text (of a few frequent ones, the one most drafts resemble); members are diffed against it. */
  commonDraft: string;
  oldestAt: Date;
  oldestAgeMinutes: number;
}

export interface BatchDraft {
  actionId: string;
  version: number;
  ticketId: string;
  externalId: string;
  subject: string;
  customerMessage: string;
  customer: string;
  text: string;
  similarity: number;
  ageMinutes: number;
}

export interface Batch {
  key: string;
  intent: string;
  commonDraft: string;
  drafts: BatchDraft[];
}

type Viewer = { id: string; role: Role };

/** A batch's address: its intent and its representative action, so the page can rebuild it. */
export function encodeBatchKey(intent: string, representativeId: string): string {
  return Buffer.from(`${intent}|${representativeId}`).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeBatchKey(key: string): { intent: string; representativeId: string } | null {
  const [intent, representativeId, ...rest] = Buffer.from(key, "base64url").toString("utf8").split("|");
  if (rest.length || !intent || !representativeId || !UUID.test(representativeId)) return null;
  if (!/^[a-z_]{1,64}$/.test(intent)) return null;
  return { intent, representativeId };
}

const minutesSince = (now: Date, at: Date) =>
  Math.max(0, Math.floor((now.getTime() - at.getTime()) / 60_000));

async function optionsFor(db: Db, viewer: Viewer, now: Date): Promise<BatchOptions> {
  const scope = await queueScope(db, viewer);
  return {
    viewerId: viewer.id,
    groupIds: scope?.groupIds,
    threshold: BATCH_SIMILARITY,
    maxSize: MAX_BATCH,
    candidates: CANDIDATES,
    now,
  };
}

/** Batches of at least two similar pending reply drafts in the viewer's queues, largest first. */
export async function loadBatches(db: Db, viewer: Viewer, now = new Date()): Promise<BatchSummary[]> {
  const rows = await listBatches(db, await optionsFor(db, viewer, now));
  return rows.map((r) => ({
    key: encodeBatchKey(r.intent, r.representativeId),
    intent: r.intent,
    size: r.size,
    commonDraft: r.representativeText,
    oldestAt: r.oldestAt,
    oldestAgeMinutes: minutesSince(now, r.oldestAt),
  }));
}

/** One batch's pending drafts as the viewer may decide them now; null for an unknown or foreign key. */
export async function loadBatch(
  db: Db,
  key: string,
  viewer: Viewer,
  now = new Date(),
): Promise<Batch | null> {
  const decoded = decodeBatchKey(key);
  if (!decoded) return null;
  const options = await optionsFor(db, viewer, now);
  const commonDraft = await representativeText(db, decoded.representativeId, options.groupIds);
  if (commonDraft === null) return null;
  const members = await listBatchMembers(db, decoded.intent, commonDraft, options);
  return {
    key,
    intent: decoded.intent,
    commonDraft,
    drafts: members.map((m) => ({
      actionId: m.id,
      version: m.version,
      ticketId: m.ticketId,
      externalId: m.externalId,
      subject: m.subject,
      customerMessage: m.body,
      customer: m.fromEmail,
      text: m.text,
      similarity: m.similarity,
      ageMinutes: minutesSince(now, m.createdAt),
    })),
  };
}
