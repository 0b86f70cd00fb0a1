/**
 * The review bench's queue views (scripts/bench/review.ts): routes the undecided actions to ten
 * review groups, then times each kind of queue view as an admin (every group, as with routing off)
 * and as reviewers in one, two and three groups.
 */
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { encodeQueueCursor } from "@/db/queries/queue";
import { reviewGroupMembers, reviewGroups, users } from "@/db/schema";
import { claimNextAction } from "@/lib/review/claims";
import { loadQueue, type QueueParams } from "@/lib/review/queue";
import { queueScope } from "@/lib/routing/scope";
import { backendCpuMs } from "./db";
import { goal, latency } from "./format";

export const GROUP_COUNT = 10;
/** Which group each twentieth of the actions goes to: skewed, group 1 holds 30%, group 10 one in ten. */
const SHARES = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 10, 10];

export interface Viewer {
  id: string;
  role: "reviewer" | "admin";
  label: string;
}

/** Ten review groups (the first the default) and every undecided action routed to one, skewed. */
export async function routeQueue(db: Db): Promise<string[]> {
  await db
    .insert(reviewGroups)
    .values(
      Array.from({ length: GROUP_COUNT }, (_, i) => ({
        name: `Bench group ${i + 1}`,
        isDefault: i === 0,
      })),
    )
    .onConflictDoNothing();
  const groups = rowsOf<{ id: string }>(
    await db.execute(sql`select id from review_groups where name like 'Bench group %'
      order by substring(name from 13)::int`),
  ).map((g) => g.id);
  const slots = sql.join(
    SHARES.map((g) => sql`${groups[g - 1]}::uuid`),
    sql`, `,
  );
  const started = performance.now();
  const routed = await db.execute(sql`
    update agent_actions set group_id = (array[${slots}])[1 + abs(hashtext(id::text)) % ${SHARES.length}],
      routed_by = 'default'
    where group_id is null and status in ('pending_review', 'blocked')`);
  const changed = (routed as unknown as { count?: number }).count ?? 0;
  if (changed > 0) {
    // A routed backlog of this size has long been vacuumed: the counts read the visibility map.
    await db.execute(sql`vacuum (analyze) agent_actions`);
    console.log(
      `routing           ${changed} actions to ${GROUP_COUNT} groups in ${((performance.now() - started) / 1000).toFixed(1)} s (with vacuum)`,
    );
  }
  return groups;
}

/** Puts people in groups (kept if already there). */
export async function join(db: Db, userId: string, groupIds: string[]): Promise<void> {
  await db
    .insert(reviewGroupMembers)
    .values(groupIds.map((groupId) => ({ groupId, userId })))
    .onConflictDoNothing();
}

/** Reviewers in one, two and three groups (the largest, the two largest, three small ones), and an admin. */
export async function viewers(db: Db, groups: string[]): Promise<Viewer[]> {
  const out: Viewer[] = [];
  const [admin] = rowsOf<{ id: string }>(
    await db.execute(sql`select id from users where role = 'admin' order by created_at limit 1`),
  );
  if (!admin) throw new Error("seedDemo created no admin");
  out.push({ id: admin.id, role: "admin", label: "all groups (admin)" });
  const scoped: [string, string[]][] = [
    ["1 group (30%)", [groups[0] as string]],
    ["2 groups (45%)", [groups[0] as string, groups[1] as string]],
    ["3 groups (20%)", [groups[3] as string, groups[6] as string, groups[9] as string]],
  ];
  for (const [label, ids] of scoped) {
    const [user] = await db
      .insert(users)
      .values({
        email: `bench-viewer-${ids.length}@example.test`,
        name: label,
        passwordHash: "bench",
        role: "reviewer",
      })
      .onConflictDoUpdate({ target: users.email, set: { name: sql`excluded.name` } })
      .returning({ id: users.id });
    if (!user) throw new Error("no viewer");
    await join(db, user.id, ids);
    out.push({ id: user.id, role: "reviewer", label });
  }
  return out;
}

/** Cursors at these fractions of a viewer's queue (a reviewer paging deep holds one). */
async function cursorsAt(db: Db, groupIds: string[] | undefined, fractions: number[], kind?: string) {
  const scope = groupIds
    ? sql`and group_id in (${sql.join(
        groupIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  const kindWhere = kind ? sql`and kind = ${kind}` : sql``;
  const [size] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from agent_actions
      where status in ('pending_review', 'blocked') ${scope} ${kindWhere}`),
  );
  const n = Number(size?.n ?? 0);
  // Rows at these positions, 1-based, in one ordered pass (an offset per cursor would sort again).
  const positions = fractions.map((f) => Math.min(Math.max(26, Math.floor(f * n)), n));
  const rows = rowsOf<{ createdAt: string; id: string }>(
    await db.execute(sql`
      select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "createdAt", id
      from (select created_at, id, row_number() over (order by created_at, id) as n
            from agent_actions where status in ('pending_review', 'blocked') ${scope} ${kindWhere}) q
      where n in (${sql.join(
        positions.map((p) => sql`${p}`),
        sql`, `,
      )})
      order by n`),
  );
  return rows.map((row) => encodeQueueCursor(row));
}

type Mix = { label: string; params: QueueParams; search?: boolean };

/** What a reviewer opens, in these proportions. */
async function mixFor(db: Db, viewer: Viewer): Promise<Mix[]> {
  const groupIds = (await queueScope(db, viewer))?.groupIds;
  const deep = await cursorsAt(db, groupIds, [0, 0.01, 0.1, 0.5, 0.9]);
  const deepReplies = await cursorsAt(db, groupIds, [0, 0.2, 0.8], "reply");
  return [
    { label: "first page", params: {} },
    ...deep.map((cursor) => ({ label: "deep page (cursor)", params: { cursor } })),
    { label: "kind filter", params: { kind: "escalation" } },
    { label: "kind filter", params: { kind: "refund" } },
    { label: "state filter", params: { state: "blocked" } },
    ...deepReplies.map((cursor) => ({
      label: "kind filter + cursor",
      params: { kind: "reply" as const, cursor },
    })),
    { label: "mine", params: { mine: "1" } },
    { label: "search rare", params: { q: "(#4242)" }, search: true },
    { label: "search rare", params: { q: "ORD-0042" }, search: true },
    { label: "search common", params: { q: "refund" }, search: true },
    { label: "search common", params: { q: "order" }, search: true },
    { label: "search no match", params: { q: "zanzibar" }, search: true },
  ];
}

export const VIEW_GOAL_MS = 50;
export const SEARCH_GOAL_MS = 100;

/**
 * CPU time (ms) used so far by this process and this database's server backends: on a shared,
 * overloaded machine wall time mostly measures the wait for a core; CPU time is what a view costs.
 * Null when the server is not on this machine.
 */
async function cpuMeter(db: Db): Promise<(() => number) | null> {
  const pids = rowsOf<{ pid: number }>(
    await db.execute(sql`select pid from pg_stat_activity where datname = current_database()`),
  ).map((r) => Number(r.pid));
  if (!backendCpuMs(pids)) return null;
  return () => {
    const own = process.cpuUsage();
    let server = 0;
    for (const v of backendCpuMs(pids)?.values() ?? []) server += v;
    return server + (own.user + own.system) / 1000;
  };
}

/**
 * Times `rounds` passes over each viewer's mix (after one untimed pass), prints p50/p95 per view
 * kind and viewer with the goal and the mean CPU time per view (server backends + this process,
 * in 10 ms ticks summed over the rounds), and returns whether every goal was met.
 */
export async function measureViews(
  db: Db,
  list: Viewer[],
  rounds: number,
  slaMinutes: number,
): Promise<boolean> {
  let met = true;
  for (const viewer of list) {
    // The viewer holds a few claims, so "Mine" has rows.
    const scope = await queueScope(db, viewer);
    for (let i = 0; i < 5; i++) await claimNextAction(db, viewer.id, 60 * 60_000, [], scope);
    const mix = await mixFor(db, viewer);
    for (const m of mix) await loadQueue(db, m.params, viewer, { slaMinutes });
    const times = new Map<string, { values: number[]; search: boolean; cpu: number }>();
    const cpu = await cpuMeter(db);
    for (let r = 0; r < rounds; r++) {
      for (const m of mix) {
        const c = cpu?.() ?? 0;
        const t = performance.now();
        const page = await loadQueue(db, m.params, viewer, { slaMinutes });
        const elapsed = performance.now() - t;
        if (page.items.length === 0 && !m.search)
          throw new Error(`empty queue page for ${viewer.label} ${JSON.stringify(m.params)}`);
        const entry = times.get(m.label) ?? { values: [], search: Boolean(m.search), cpu: 0 };
        entry.values.push(elapsed);
        entry.cpu += (cpu?.() ?? 0) - c;
        times.set(m.label, entry);
      }
    }
    console.log(`  ${viewer.label}`);
    for (const [label, { values, search, cpu: cpuMs }] of times) {
      const limit = search ? SEARCH_GOAL_MS : VIEW_GOAL_MS;
      const { p95, text } = latency(values);
      const ok = p95 <= limit;
      met &&= ok;
      const cpuText = cpu ? ` · CPU ${(cpuMs / values.length).toFixed(1)} ms/view` : "";
      console.log(`    ${label.padEnd(22)} ${text}${cpuText}  goal p95 <= ${limit} ms: ${goal(ok)}`);
    }
  }
  return met;
}
