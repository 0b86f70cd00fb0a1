import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import type { ActionKind } from "@/db/schema";
import type { CategoryKey, Evidence } from "./rules";

/** One category's reviews over a window, under one policy version. */
export interface CategoryStats extends CategoryKey, Evidence {
  /** Reviews by people that edited the draft, and the mean normalised edit distance of those edits. */
  edited: number;
  meanEditDistance: number | null;
  rejected: number;
  escalated: number;
  /** Reason tags of rejections, most frequent first. */
  rejectionReasons: { tag: string; count: number }[];
  /** Reviews by people tagged `hallucination`, whatever the decision. */
  hallucinations: number;
  /** Actions the autopilot approved (never counted as evidence). */
  autoApproved: number;
}

/** A category with nothing in the window (a promoted one, so it can still be demoted). */
export function emptyStats(key: CategoryKey): CategoryStats {
  return {
    ...key,
    reviewed: 0,
    approvedAsIs: 0,
    edited: 0,
    meanEditDistance: null,
    rejected: 0,
    escalated: 0,
    rejectionReasons: [],
    hallucinations: 0,
    autoApproved: 0,
  };
}

type Row = {
  intent: string;
  action_kind: ActionKind;
  reviewed: number;
  approved: number;
  edited: number;
  mean_edit: number | null;
  rejected: number;
  escalated: number;
  hallucinations: number;
  auto_approved: number;
  reasons: Record<string, number> | null;
};

/**
 * Every category with a review under `policyVersionId` since `since` (null:
 * all of that version's reviews). The category's intent is the ticket's
 * triage intent ("" when the ticket was never triaged).
 */
export async function loadCategoryStats(
  db: Db,
  policyVersionId: string,
  since: Date | null,
  only?: CategoryKey,
): Promise<CategoryStats[]> {
  const rows = rowsOf<Row>(
    await db.execute(sql`
      with b as (
        select coalesce(t.triage_intent, '') as intent, v.action_kind, v.source, v.decision,
               v.edit_distance, v.reason_tags
        from reviews v join tickets t on t.id = v.ticket_id
        where v.policy_version_id = ${policyVersionId}
          ${since ? sql`and v.created_at >= ${since.toISOString()}::timestamptz` : sql``}
          ${only ? sql`and coalesce(t.triage_intent, '') = ${only.intent} and v.action_kind = ${only.actionKind}` : sql``}
      ),
      reasons as (
        select intent, action_kind, jsonb_object_agg(tag, n) as reasons
        from (
          select intent, action_kind, tag, count(*)::int as n
          from b cross join lateral unnest(b.reason_tags) as tag
          where b.source = 'person' and b.decision = 'reject'
          group by 1, 2, 3
        ) x
        group by 1, 2
      )
      select b.intent, b.action_kind,
             count(*) filter (where b.source = 'person')::int as reviewed,
             count(*) filter (where b.source = 'person' and b.decision = 'approve')::int as approved,
             count(*) filter (where b.source = 'person' and b.decision = 'edit')::int as edited,
             avg(b.edit_distance) filter (where b.source = 'person' and b.decision = 'edit') as mean_edit,
             count(*) filter (where b.source = 'person' and b.decision = 'reject')::int as rejected,
             count(*) filter (where b.source = 'person' and b.decision = 'escalate')::int as escalated,
             count(*) filter (where b.source = 'person' and 'hallucination' = any(b.reason_tags))::int
               as hallucinations,
             count(*) filter (where b.source = 'auto')::int as auto_approved,
             r.reasons
      from b left join reasons r on r.intent = b.intent and r.action_kind = b.action_kind
      group by b.intent, b.action_kind, r.reasons
      order by count(*) filter (where b.source = 'person') desc, b.intent, b.action_kind`),
  );
  return rows.map((r) => ({
    intent: r.intent,
    actionKind: r.action_kind,
    reviewed: Number(r.reviewed),
    approvedAsIs: Number(r.approved),
    edited: Number(r.edited),
    meanEditDistance: r.mean_edit === null ? null : Number(r.mean_edit),
    rejected: Number(r.rejected),
    escalated: Number(r.escalated),
    hallucinations: Number(r.hallucinations),
    autoApproved: Number(r.auto_approved),
    rejectionReasons: Object.entries(r.reasons ?? {})
      .map(([tag, count]) => ({ tag, count: Number(count) }))
      .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)),
  }));
}
