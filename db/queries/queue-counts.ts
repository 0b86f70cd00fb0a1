import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../client";
import { agentActions, tickets } from "../schema";
import { QUEUE_KINDS, QUEUE_STATES, queueSearchWhere } from "./queue";

/**
 * The filter chips count at most this many actions each: past it they show "10,000+". A count
 * reads at most this many index entries, so its cost stays the same however large the backlog.
 */
export const QUEUE_COUNT_CAP = 10_000;
/**
 * With a text search the chips count the first this many matches and share them out: a common
 * word ("order") matches most of the queue, and each match costs a ticket read.
 */
export const SEARCH_COUNT_CAP = 100;

/** Counts per chip; `capped` marks the ones that are "at least" figures (shown with a "+"). */
export interface QueueCounts {
  counts: Record<string, number>;
  capped: Record<string, boolean>;
}

const CHIPS = ["all", ...QUEUE_KINDS, ...QUEUE_STATES] as const;

function groupScope(groupIds: string[] | undefined): SQL {
  if (!groupIds) return sql``;
  if (groupIds.length === 0) return sql`and false`;
  return sql`and ${agentActions.groupId} in (${sql.join(
    groupIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

/**
 * Undecided actions per kind and state for the filter chips (text search and group scope applied,
 * kind and state not), each counted up to `QUEUE_COUNT_CAP` (more is reported as capped).
 *
 * Without a search every kind and state chip is one bounded index-only read ("all" is the sum of
 * the states): (kind, status) for a kind,
 * (status, created_at, id) for a state, (group_id, status, kind) in a routed queue. With a search,
 * the first `SEARCH_COUNT_CAP` matches are read once and tallied per chip; when there are more,
 * every chip's figure is a lower bound.
 */
export async function queueCounts(
  db: Db,
  q?: string,
  groupIds?: string[],
  caps: { cap: number; searchCap: number } = { cap: QUEUE_COUNT_CAP, searchCap: SEARCH_COUNT_CAP },
): Promise<QueueCounts> {
  if (q) return searchCounts(db, q, groupIds, caps.searchCap);
  const cap = caps.cap;
  const scope = groupScope(groupIds);
  const bounded = (where: SQL) => sql`(select count(*)::int from (
      select 1 from ${agentActions} where ${where} ${scope} limit ${cap + 1}) c)`;
  const undecided = sql`${agentActions.status} in ('pending_review', 'blocked')`;
  const [row] = rowsOf<Record<string, number>>(
    await db.execute(sql`select
      ${sql.join(
        QUEUE_KINDS.map(
          (kind) =>
            sql`${bounded(sql`${undecided} and ${agentActions.kind} = ${kind}`)} as ${sql.identifier(kind)}`,
        ),
        sql`, `,
      )},
      ${sql.join(
        QUEUE_STATES.map(
          (state) => sql`${bounded(sql`${agentActions.status} = ${state}`)} as ${sql.identifier(state)}`,
        ),
        sql`, `,
      )}`),
  );
  const counts: Record<string, number> = {};
  const capped: Record<string, boolean> = {};
  for (const chip of [...QUEUE_KINDS, ...QUEUE_STATES]) {
    const n = Number(row?.[chip] ?? 0);
    counts[chip] = Math.min(n, cap);
    if (n > cap) capped[chip] = true;
  }
  // Every undecided action has one state: "all" is their sum, past the cap if either state is.
  const all = QUEUE_STATES.reduce((sum, state) => sum + Math.min(Number(row?.[state] ?? 0), cap + 1), 0);
  counts.all = Math.min(all, cap);
  if (all > cap) capped.all = true;
  return { counts, capped };
}

/** The chips under a text search: the first matches, tallied per kind and state. */
async function searchCounts(
  db: Db,
  q: string,
  groupIds: string[] | undefined,
  cap: number,
): Promise<QueueCounts> {
  const rows = await db
    .select({ kind: agentActions.kind, status: agentActions.status })
    .from(agentActions)
    .innerJoin(tickets, eq(tickets.id, agentActions.ticketId))
    .where(
      and(
        sql`${agentActions.status} in ('pending_review', 'blocked')`,
        queueSearchWhere(q),
        groupIds ? sql`true ${groupScope(groupIds)}` : undefined,
      ),
    )
    .limit(cap + 1);
  const sample = rows.slice(0, cap);
  const more = rows.length > cap;
  const counts: Record<string, number> = Object.fromEntries(CHIPS.map((chip) => [chip, 0]));
  for (const r of sample) {
    counts.all = (counts.all ?? 0) + 1;
    counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    counts[r.status] = (counts[r.status] ?? 0) + 1;
  }
  // Past the cap every chip is "at least": the matches not read may be of any kind.
  const capped: Record<string, boolean> = more ? Object.fromEntries(CHIPS.map((chip) => [chip, true])) : {};
  return { counts, capped };
}
