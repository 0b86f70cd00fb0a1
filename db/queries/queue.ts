import { aliasedTable, and, asc, eq, gt, ilike, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agentActions, agentRuns, policyVersions, reviewGroups, tickets, users } from "../schema";

/** The group an SLA move took an action from (its name on the queue's badge). */
const slaFromGroup = aliasedTable(reviewGroups, "sla_from_group");

export const QUEUE_KINDS = ["reply", "escalation", "refund"] as const;
export const QUEUE_STATES = ["pending_review", "blocked"] as const;

export interface QueueFilters {
  kind?: (typeof QUEUE_KINDS)[number];
  state?: (typeof QUEUE_STATES)[number];
  q?: string;
  /** The triage risk category and intent stored on the ticket. */
  category?: string;
  intent?: string;
  /** Only the claims of this reviewer still live at this time (the "Mine" view). */
  claimedBy?: { userId: string; liveAt: Date };
  /** Only these review groups' queues (lib/routing/scope.ts); absent: every group. */
  groupIds?: string[];
}

export interface QueueCursor {
  createdAt: string;
  id: string;
}

function filtersWhere({ kind, state, q, category, intent, claimedBy, groupIds }: QueueFilters): SQL[] {
  const where: SQL[] = [
    state ? eq(agentActions.status, state) : inArray(agentActions.status, [...QUEUE_STATES]),
  ];
  if (kind) where.push(eq(agentActions.kind, kind));
  if (groupIds) where.push(groupIds.length ? inArray(agentActions.groupId, groupIds) : sql`false`);
  if (claimedBy)
    where.push(
      and(
        eq(agentActions.claimedBy, claimedBy.userId),
        gt(agentActions.claimExpiresAt, claimedBy.liveAt),
      ) as SQL,
    );
  if (category) where.push(eq(tickets.triageCategory, category));
  if (intent) where.push(eq(tickets.triageIntent, intent));
  if (q) where.push(queueSearchWhere(q));
  return where;
}

/** A case-insensitive substring of the ticket's subject, sender or external id (% and _ taken literally). */
export function queueSearchWhere(q: string): SQL {
  const like = `%${q.replace(/[\\%_]/g, "\\$&")}%`;
  return or(
    ilike(tickets.subject, like),
    ilike(tickets.fromEmail, like),
    ilike(tickets.externalId, like),
  ) as SQL;
}

/**
 * The ids of one page, oldest first. Kept apart from the columns shown so Postgres orders and
 * limits narrow rows before it joins anything.
 */
function pageIds(filters: QueueFilters & { cursor?: QueueCursor | null }, take: number): SQL {
  const after = filters.cursor
    ? sql`(${agentActions.createdAt}, ${agentActions.id}) > (${filters.cursor.createdAt}::timestamptz, ${filters.cursor.id}::uuid)`
    : undefined;
  const joinTickets = Boolean(filters.q || filters.category || filters.intent);
  if (!filters.kind && !filters.claimedBy && !filters.groupIds && !joinTickets) {
    // One ordered read of agent_actions_queue_idx (status, created_at, id) per status, merged:
    // with `status in (...)` Postgres cannot read that index in created_at order, and would
    // sort every undecided action to show 25 of them.
    const statuses = filters.state ? [filters.state] : [...QUEUE_STATES];
    return sql.join(
      statuses.map(
        (status) => sql`(select ${agentActions.id} from ${agentActions}
          where ${and(eq(agentActions.status, status), after)}
          order by ${agentActions.createdAt}, ${agentActions.id} limit ${take})`,
      ),
      sql` union all `,
    );
  }
  const ordered = (where: SQL[]) => sql`(select ${agentActions.id} from ${agentActions}
    ${joinTickets ? sql`inner join ${tickets} on ${tickets.id} = ${agentActions.ticketId}` : sql``}
    where ${and(...where, after)}
    order by ${agentActions.createdAt}, ${agentActions.id} limit ${take})`;
  if (filters.groupIds && filters.groupIds.length > 0 && !filters.claimedBy) {
    // A routed queue: one ordered read of agent_actions_undecided_group_idx (group_id, created_at,
    // id) per group, merged, like the statuses above; `group_id in (...)` would sort every
    // undecided action of those groups.
    return sql.join(
      filters.groupIds.map((groupId) => ordered(filtersWhere({ ...filters, groupIds: [groupId] }))),
      sql` union all `,
    );
  }
  // Filtered views read agent_actions_undecided_kind_idx (kind, created_at, id) in order.
  return ordered(filtersWhere(filters));
}

/** Undecided actions, oldest first, keyset-paginated on (created_at, id). */
export async function listQueue(
  db: Db,
  filters: QueueFilters & { cursor?: QueueCursor | null; limit?: number },
) {
  const limit = filters.limit ?? 25;
  const rows = await db
    .select({
      id: agentActions.id,
      kind: agentActions.kind,
      status: agentActions.status,
      version: agentActions.version,
      createdAt: agentActions.createdAt,
      // The cursor needs created_at to the microsecond: a Date keeps milliseconds only, and a
      // truncated cursor would show the last row of a page again at the top of the next one.
      cursorAt: sql<string>`to_char(${agentActions.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      claimedBy: agentActions.claimedBy,
      claimedByName: users.name,
      claimExpiresAt: agentActions.claimExpiresAt,
      blockedBy: agentActions.blockedBy,
      team: sql<string | null>`${agentActions.payload}->>'team'`,
      ticketId: tickets.id,
      subject: tickets.subject,
      intent: tickets.intent,
      triageIntent: tickets.triageIntent,
      triageCategory: tickets.triageCategory,
      triageConfidence: tickets.triageConfidence,
      model: agentRuns.model,
      policyVersion: policyVersions.version,
      groupId: agentActions.groupId,
      groupSlaMinutes: reviewGroups.slaMinutes,
      slaBreachedAt: agentActions.slaBreachedAt,
      slaMovedFrom: slaFromGroup.name,
      groupName: reviewGroups.name,
    })
    .from(agentActions)
    .innerJoin(tickets, eq(tickets.id, agentActions.ticketId))
    .innerJoin(agentRuns, eq(agentRuns.id, agentActions.runId))
    .leftJoin(policyVersions, eq(policyVersions.id, agentRuns.policyVersionId))
    .leftJoin(users, eq(users.id, agentActions.claimedBy))
    .leftJoin(reviewGroups, eq(reviewGroups.id, agentActions.groupId))
    .leftJoin(slaFromGroup, eq(slaFromGroup.id, agentActions.slaFromGroupId))
    .where(sql`${agentActions.id} in (${pageIds(filters, limit + 1)})`)
    .orderBy(asc(agentActions.createdAt), asc(agentActions.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor: rows.length > limit && last ? { createdAt: last.cursorAt, id: last.id } : null,
  };
}

export type QueueItem = Awaited<ReturnType<typeof listQueue>>["items"][number];

/** How many undecided actions this reviewer holds a live claim on (the "Mine" view), text search applied. */
export async function countMine(
  db: Db,
  claimedBy: { userId: string; liveAt: Date },
  q?: string,
): Promise<number> {
  const query = db.select({ n: sql<number>`count(*)::int` }).from(agentActions);
  // Only a search needs the ticket: without one the claim index (claimed_by) answers alone.
  const [row] = q
    ? await query
        .innerJoin(tickets, eq(tickets.id, agentActions.ticketId))
        .where(and(...filtersWhere({ q, claimedBy })))
    : await query.where(and(...filtersWhere({ claimedBy })));
  return Number(row?.n ?? 0);
}

export function encodeQueueCursor(c: QueueCursor): string {
  return Buffer.from(`${c.createdAt}|${c.id}`).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

export function decodeQueueCursor(value: string | undefined | null): QueueCursor | null {
  if (!value) return null;
  const [createdAt, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
  if (!createdAt || !id || !UUID.test(id) || !CURSOR_TIME.test(createdAt)) return null;
  // A crafted cursor may hold any date: only real ones (no 30 February) in the years PostgreSQL and we share.
  const time = Date.parse(createdAt);
  if (
    !Number.isFinite(time) ||
    time < 0 ||
    new Date(time).toISOString().slice(0, 19) !== createdAt.slice(0, 19)
  ) {
    return null;
  }
  return { createdAt, id };
}
