import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { agentActions, users } from "@/db/schema";
import { UNDECIDED_ACTIONS } from "@/lib/agent/transitions";
import type { QueueScope } from "@/lib/routing/scope";

/** Actions waiting for a person (the status transitions live in lib/agent/transitions.ts). */
export const UNDECIDED = UNDECIDED_ACTIONS;

/**
 * How many of the oldest free actions per queue (status or group) Next considers before looking
 * at all of them: only those other reviewers are taking at this very moment are passed over, so a
 * few more than the people pressing Next at once in one queue. Each candidate costs a heap visit.
 */
const NEXT_CANDIDATES = 12;

export type ClaimResult =
  | { claimed: true; expiresAt: Date }
  | { claimed: false; holder: string | null; expiresAt: Date | null; status: string };

/**
 * "Start review" (or Enter on a queue row) claims an action for a lease; viewing
 * it does not. One UPDATE decides: free, mine, or expired claims are taken; a
 * live claim of someone else's is reported.
 */
export async function claimAction(
  db: Db,
  actionId: string,
  userId: string,
  leaseMs: number,
): Promise<ClaimResult> {
  const expires = new Date(Date.now() + leaseMs);
  const [row] = await db
    .update(agentActions)
    .set({ claimedBy: userId, claimExpiresAt: expires })
    .where(
      and(
        eq(agentActions.id, actionId),
        sql`${agentActions.status} in ('pending_review', 'blocked')`,
        sql`(${agentActions.claimedBy} is null or ${agentActions.claimedBy} = ${userId} or ${agentActions.claimExpiresAt} < now())`,
      ),
    )
    .returning({ expiresAt: agentActions.claimExpiresAt });
  if (row?.expiresAt) return { claimed: true, expiresAt: row.expiresAt };
  const [current] = await db
    .select({ status: agentActions.status, expiresAt: agentActions.claimExpiresAt, holder: users.name })
    .from(agentActions)
    .leftJoin(users, eq(users.id, agentActions.claimedBy))
    .where(eq(agentActions.id, actionId));
  return {
    claimed: false,
    holder: current?.holder ?? null,
    expiresAt: current?.expiresAt ?? null,
    status: current?.status ?? "missing",
  };
}

/**
 * "Next": claims the oldest undecided action nobody holds, atomically, so two
 * reviewers pressing Next at once never get the same one.
 */
export async function claimNextAction(
  db: Db,
  userId: string,
  leaseMs: number,
  skip: string[] = [],
  scope: QueueScope = null,
): Promise<{ actionId: string; ticketId: string } | null> {
  const expires = new Date(Date.now() + leaseMs).toISOString();
  if (scope && scope.groupIds.length === 0) return null;
  const skipList = skip.length
    ? sql`and id not in (${sql.join(
        skip.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  const inScope = scope
    ? sql`and group_id in (${sql.join(
        scope.groupIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  const free = sql`(claimed_by is null or claim_expires_at < now()) ${skipList} ${inScope}`;
  const claim = (candidates?: SQL) => sql`
    update agent_actions set claimed_by = ${userId}::uuid, claim_expires_at = ${expires}::timestamptz
    where id = (
      select id from agent_actions
      where status in ('pending_review', 'blocked') and ${free}
        ${candidates ? sql`and id in (${candidates})` : sql``}
      order by created_at, id
      limit 1
      for update skip locked
    )
    returning id as "actionId", ticket_id as "ticketId"`;

  // Fast path: the oldest free actions of each undecided status, read in order from
  // agent_actions_queue_idx (status, created_at, id), then the oldest of those nobody is locking.
  // With `status in (...)` alone Postgres cannot read that index in created_at order, and would
  // sort every undecided action on each Next.
  const oldestFree = (status: (typeof UNDECIDED)[number]) => sql`(
    select id from agent_actions
    where status = ${sql.raw(`'${status}'`)} and ${free}
    order by created_at, id
    limit ${NEXT_CANDIDATES})`;
  // In a routed queue: the oldest free actions of each of the viewer's groups, read in order from
  // agent_actions_undecided_group_idx (group_id, created_at, id).
  const oldestInGroup = (groupId: string) => sql`(
    select id from agent_actions
    where group_id = ${groupId}::uuid and status in ('pending_review', 'blocked') and ${free}
    order by created_at, id
    limit ${NEXT_CANDIDATES})`;
  const candidates = scope
    ? sql.join(scope.groupIds.map(oldestInGroup), sql` union all `)
    : sql`${oldestFree("pending_review")} union all ${oldestFree("blocked")}`;
  const fast = await db.execute(claim(candidates));
  const claimed = rowsOf<{ actionId: string; ticketId: string }>(fast)[0];
  if (claimed) return claimed;
  // Nothing among those candidates (all of them taken by reviewers pressing Next at this very
  // moment, or none free): look at every undecided action before saying there is nothing left.
  const slow = await db.execute(claim());
  return rowsOf<{ actionId: string; ticketId: string }>(slow)[0] ?? null;
}

/**
 * Gives back the caller's own claim ("Release", or leaving the action); someone
 * else's claim is left alone. Says whether there was one to release.
 */
export async function releaseClaim(db: Db, actionId: string, userId: string): Promise<boolean> {
  const rows = await db
    .update(agentActions)
    .set({ claimedBy: null, claimExpiresAt: null })
    .where(and(eq(agentActions.id, actionId), eq(agentActions.claimedBy, userId)))
    .returning({ id: agentActions.id });
  return rows.length > 0;
}

/** A live claim as a viewer sees it: their own, or someone else's. */
export interface ClaimView {
  mine: boolean;
  holder: string;
  expiresAt: string;
}

/** The live claims on these actions, read without taking any (viewing an action does not claim it). */
export async function liveClaims(
  db: Db,
  actionIds: string[],
  viewerId: string,
): Promise<Record<string, ClaimView>> {
  if (actionIds.length === 0) return {};
  const rows = await db
    .select({
      id: agentActions.id,
      claimedBy: agentActions.claimedBy,
      expiresAt: agentActions.claimExpiresAt,
      holder: users.name,
    })
    .from(agentActions)
    .leftJoin(users, eq(users.id, agentActions.claimedBy))
    .where(
      and(
        inArray(agentActions.id, actionIds),
        inArray(agentActions.status, [...UNDECIDED]),
        sql`${agentActions.claimExpiresAt} > now()`,
      ),
    );
  return Object.fromEntries(
    rows.flatMap((r) =>
      r.claimedBy && r.expiresAt
        ? [
            [
              r.id,
              {
                mine: r.claimedBy === viewerId,
                holder: r.holder ?? "another reviewer",
                expiresAt: r.expiresAt.toISOString(),
              },
            ],
          ]
        : [],
    ),
  );
}
