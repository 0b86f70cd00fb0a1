import { z } from "zod";
import type { Db } from "@/db";
import {
  countMine,
  decodeQueueCursor,
  encodeQueueCursor,
  listQueue,
  QUEUE_KINDS,
  QUEUE_STATES,
} from "@/db/queries/queue";
import { queueCounts } from "@/db/queries/queue-counts";
import type { Role } from "@/db/schema";
import { queueScope } from "@/lib/routing/scope";
import { CATEGORIES, INTENTS } from "@/lib/triage/labels";

export const queueParamsSchema = z.object({
  kind: z.enum(QUEUE_KINDS, "Filter by reply, escalation or refund.").optional(),
  state: z.enum(QUEUE_STATES, "Filter by pending_review or blocked.").optional(),
  q: z.string().trim().max(200, "Keep the search under 200 characters.").optional(),
  category: z.enum(CATEGORIES, `Filter by a triage category: ${CATEGORIES.join(", ")}.`).optional(),
  intent: z.enum(INTENTS as [string, ...string[]], "Filter by an intent triage knows.").optional(),
  mine: z.literal("1", "Use mine=1 for the actions you are reviewing, or leave it out.").optional(),
  group: z.uuid("Filter by a review group: use the id of a group from the routing page.").optional(),
  cursor: z.string().max(200).optional(),
});
export type QueueParams = z.infer<typeof queueParamsSchema>;

export interface QueueRow {
  id: string;
  kind: string;
  status: string;
  ticketId: string;
  subject: string;
  intent: string | null;
  /** The triage reading stored on the ticket. */
  triage: { intent: string; category: string; confidence: number } | null;
  model: string;
  policyVersion: number | null;
  /** The review group whose queue holds it (null while routing is off). */
  group: string | null;
  team: string | null;
  blockedBy: string | null;
  createdAt: string;
  ageMinutes: number;
  /** Older than its group's SLA target (REVIEW_SLA_MINUTES when routing is off), or moved by the SLA. */
  overSla: boolean;
  /** It waited past its group's SLA target and was moved to the overflow group (or flagged where it is). */
  slaBreached: boolean;
  /** The group the SLA move took it from; null when it was not moved. */
  slaMovedFrom: string | null;
  /** Someone else's live claim. */
  beingReviewedBy: string | null;
  /** The viewer's own live claim. */
  claimedByMe: boolean;
}

export interface QueuePage {
  items: QueueRow[];
  /**
   * Undecided actions per filter: all, each kind and state, and "mine" (the viewer's live claims).
   * Counting stops at a cap (db/queries/queue-counts.ts): a capped figure is a lower bound.
   */
  counts: Record<string, number>;
  /** The filters whose count stopped at the cap ("10,000+"); absent ones are exact. */
  countsCapped: Record<string, boolean>;
  nextCursor: string | null;
}

/** The viewer's groups narrowed to the one asked for (a reviewer cannot widen theirs with it). */
function scopedGroups(scope: string[] | undefined, group: string | undefined): string[] | undefined {
  if (!group) return scope;
  return scope ? scope.filter((id) => id === group) : [group];
}

/** The review queue as the UI and the API see it: ages, SLA flags and other reviewers' claims worked out. */
export async function loadQueue(
  db: Db,
  params: QueueParams,
  viewer: { id: string; role: Role },
  options: { slaMinutes: number; now?: Date },
): Promise<QueuePage> {
  const now = options.now ?? new Date();
  // A routed action answers to its group's target (none for a group without one); an unrouted one to the global one.
  const slaOf = (item: { groupId: string | null; groupSlaMinutes: number | null }) =>
    item.groupId ? item.groupSlaMinutes : options.slaMinutes;
  const groupIds = scopedGroups((await queueScope(db, viewer))?.groupIds, params.group);
  const [page, counts, mine] = await Promise.all([
    listQueue(db, {
      kind: params.kind,
      state: params.state,
      q: params.q || undefined,
      category: params.category,
      intent: params.intent,
      claimedBy: params.mine ? { userId: viewer.id, liveAt: now } : undefined,
      groupIds,
      cursor: decodeQueueCursor(params.cursor),
    }),
    queueCounts(db, params.q || undefined, groupIds),
    countMine(db, { userId: viewer.id, liveAt: now }, params.q || undefined),
  ]);
  return {
    items: page.items.map((item) => {
      const ageMinutes = Math.max(0, Math.floor((now.getTime() - item.createdAt.getTime()) / 60_000));
      const live = Boolean(item.claimedBy && item.claimExpiresAt && item.claimExpiresAt > now);
      const claimedByOther = live && item.claimedBy !== viewer.id;
      return {
        id: item.id,
        kind: item.kind,
        status: item.status,
        ticketId: item.ticketId,
        subject: item.subject,
        intent: item.intent,
        triage:
          item.triageIntent && item.triageCategory
            ? {
                intent: item.triageIntent,
                category: item.triageCategory,
                confidence: item.triageConfidence ?? 0,
              }
            : null,
        model: item.model,
        policyVersion: item.policyVersion,
        group: item.groupName,
        team: item.team,
        blockedBy: item.blockedBy,
        createdAt: item.createdAt.toISOString(),
        ageMinutes,
        overSla: Boolean(item.slaBreachedAt) || ageMinutes > (slaOf(item) ?? Number.POSITIVE_INFINITY),
        slaBreached: Boolean(item.slaBreachedAt),
        slaMovedFrom: item.slaMovedFrom,
        beingReviewedBy: claimedByOther ? (item.claimedByName ?? "another reviewer") : null,
        claimedByMe: live && item.claimedBy === viewer.id,
      };
    }),
    counts: { ...counts.counts, mine },
    countsCapped: counts.capped,
    nextCursor: page.nextCursor ? encodeQueueCursor(page.nextCursor) : null,
  };
}
