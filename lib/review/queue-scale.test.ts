import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { queueCounts } from "@/db/queries/queue-counts";
import { reviewGroupMembers, reviewGroups, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { generateBulkHistory } from "@/db/seed/bulk";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { loadQueue, type QueueParams } from "./queue";

const NOW = new Date("2026-11-01T12:00:00Z");
const SLA = 240;
const CHIPS = ["all", "reply", "escalation", "refund", "pending_review", "blocked"] as const;

interface Person {
  id: string;
  role: "reviewer" | "admin";
}

describe.each(availableDrivers())("the queue at scale on %s: bounded counts and group scope", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let groups: string[];
  let reviewer: Person;
  let admin: Person;

  /** Undecided actions per chip, counted in full, for these groups (all when absent). */
  async function exactCounts(groupIds?: string[], like?: string): Promise<Record<string, number>> {
    const rows = rowsOf<{ kind: string; status: string; n: number }>(
      await db.execute(sql`
        select a.kind, a.status, count(*)::int as n
        from agent_actions a join tickets t on t.id = a.ticket_id
        where a.status in ('pending_review', 'blocked')
          ${
            groupIds
              ? sql`and a.group_id in (${sql.join(
                  groupIds.map((id) => sql`${id}::uuid`),
                  sql`, `,
                )})`
              : sql``
          }
          ${like ? sql`and (t.subject ilike ${like} or t.from_email ilike ${like} or t.external_id ilike ${like})` : sql``}
        group by a.kind, a.status`),
    );
    const out: Record<string, number> = Object.fromEntries(CHIPS.map((c) => [c, 0]));
    for (const r of rows) {
      const n = Number(r.n);
      out.all = (out.all ?? 0) + n;
      out[r.kind] = (out[r.kind] ?? 0) + n;
      out[r.status] = (out[r.status] ?? 0) + n;
    }
    return out;
  }

  /** Every page of a view, ids in the order shown. */
  async function walk(params: QueueParams, viewer: Person): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await loadQueue(db, { ...params, cursor }, viewer, { slaMinutes: SLA, now: NOW });
      ids.push(...page.items.map((item) => item.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return ids;
  }

  async function expectedIds(groupIds: string[], where = sql`true`): Promise<string[]> {
    return rowsOf<{ id: string }>(
      await db.execute(sql`
        select a.id from agent_actions a join tickets t on t.id = a.ticket_id
        where a.status in ('pending_review', 'blocked') and ${where}
          and a.group_id in (${sql.join(
            groupIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})
        order by a.created_at, a.id`),
    ).map((r) => r.id);
  }

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db, { now: NOW });
    await generateBulkHistory(db, { tickets: 120, stepsPerRun: 1, undecidedShare: 0.9, now: NOW });
    groups = (
      await db
        .insert(reviewGroups)
        .values([{ name: "Billing", isDefault: true }, { name: "Shipping" }, { name: "Legal" }])
        .returning({ id: reviewGroups.id })
    ).map((g) => g.id);
    // Every undecided action to one of the three groups, unevenly (half, a third, a sixth).
    await db.execute(sql`
      update agent_actions a set group_id = (array[
          ${groups[0]}::uuid, ${groups[0]}::uuid, ${groups[0]}::uuid,
          ${groups[1]}::uuid, ${groups[1]}::uuid, ${groups[2]}::uuid])[1 + r.n % 6]
      from (select id, row_number() over (order by created_at, id) as n from agent_actions) r
      where r.id = a.id and a.status in ('pending_review', 'blocked')`);
    const [r, a] = await db
      .insert(users)
      .values([
        {
          email: `scale-reviewer-${driver}@example.test`,
          name: "Sam Scale",
          passwordHash: "x",
          role: "reviewer",
        },
        { email: `scale-admin-${driver}@example.test`, name: "Ada Admin", passwordHash: "x", role: "admin" },
      ])
      .returning({ id: users.id, role: users.role });
    reviewer = r as Person;
    admin = a as Person;
    await db.insert(reviewGroupMembers).values([
      { groupId: groups[1] as string, userId: reviewer.id },
      { groupId: groups[2] as string, userId: reviewer.id },
    ]);
  });
  afterAll(() => handle?.destroy());

  it("counts exactly below the cap, and stops at the cap saying so", async () => {
    const exact = await exactCounts();
    expect(exact.all).toBeGreaterThan(50);
    expect(await queueCounts(db)).toEqual({ counts: exact, capped: {} });

    // A cap of 5: the chips with more than 5 show 5 and are flagged, the others stay exact.
    const bounded = await queueCounts(db, undefined, undefined, { cap: 5, searchCap: 5 });
    for (const chip of CHIPS) {
      expect(bounded.counts[chip]).toBe(Math.min(exact[chip] ?? 0, 5));
      expect(bounded.capped[chip] ?? false).toBe((exact[chip] ?? 0) > 5);
    }
    // Exactly at the cap is still exact.
    const atCap = await queueCounts(db, undefined, undefined, { cap: exact.refund ?? 0, searchCap: 5 });
    expect(atCap.counts.refund).toBe(exact.refund);
    expect(atCap.capped.refund).toBeUndefined();
  });

  it("counts a search exactly below its cap, and as 'at least' on every chip past it", async () => {
    // Every bulk subject carries "(#n)": "(#1" matches a few dozen of them.
    const like = "%(#1%";
    const exact = await exactCounts(undefined, like);
    expect(exact.all).toBeGreaterThan(5);
    expect(await queueCounts(db, "(#1")).toEqual({ counts: exact, capped: {} });

    const bounded = await queueCounts(db, "(#1", undefined, { cap: 5, searchCap: 5 });
    expect(bounded.counts.all).toBe(5);
    for (const chip of CHIPS) {
      expect(bounded.capped[chip]).toBe(true);
      expect(bounded.counts[chip]).toBeLessThanOrEqual(exact[chip] ?? 0);
    }
  });

  it("finds a substring in any case in a large queue, page after page", async () => {
    const expected = await expectedIds(groups, sql`t.subject ilike '%where is my order%'`);
    expect(expected.length).toBeGreaterThan(0);
    expect(await walk({ q: "WHERE is MY order" }, admin)).toEqual(expected);
  });

  it("shows a reviewer only their groups' actions, oldest first across groups, with counts of those groups", async () => {
    const mine = [groups[1] as string, groups[2] as string];
    const expected = await expectedIds(mine);
    expect(expected.length).toBeGreaterThan(30); // more than one page
    expect(await walk({}, reviewer)).toEqual(expected);
    expect(await walk({ kind: "escalation" }, reviewer)).toEqual(
      await expectedIds(mine, sql`a.kind = 'escalation'`),
    );
    expect(await walk({ state: "blocked" }, reviewer)).toEqual(
      await expectedIds(mine, sql`a.status = 'blocked'`),
    );
    expect(await walk({ q: "(#1" }, reviewer)).toEqual(await expectedIds(mine, sql`t.subject ilike '%(#1%'`));

    const page = await loadQueue(db, {}, reviewer, { slaMinutes: SLA, now: NOW });
    expect(page.counts).toEqual({ ...(await exactCounts(mine)), mine: 0 });
    expect(page.countsCapped).toEqual({});
    const searched = await loadQueue(db, { q: "(#1" }, reviewer, { slaMinutes: SLA, now: NOW });
    expect(searched.counts).toEqual({ ...(await exactCounts(mine, "%(#1%")), mine: 0 });

    // An admin sees every group.
    expect(await walk({}, admin)).toEqual(await expectedIds(groups));
  });
});
