import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { searchKnowledgeBase } from "@/db/queries/kb";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import { countTicketsByStatus, decodeCursor, getTicketWithContext, listTickets } from "@/db/queries/tickets";
import { isDatabaseEmpty, seedDemo } from "@/db/seed";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";

const NOW = new Date("2026-11-01T12:00:00Z");

// The same migrations, seed and queries must behave the same on PGlite and PostgreSQL.
describe.each(availableDrivers())("on %s", (driver) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    await seedDemo(handle.db, { now: NOW });
  });
  afterAll(() => handle?.destroy());

  it("seeds once: a second seed adds nothing", async () => {
    expect(await isDatabaseEmpty(handle.db)).toBe(false);
    const before = await countTicketsByStatus(handle.db);
    await seedDemo(handle.db, { now: NOW });
    expect(await countTicketsByStatus(handle.db)).toEqual(before);
    const [users] = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from users`));
    expect(Number(users?.n)).toBe(3);
  });

  it("publishes policy version 1 with the default constraints", async () => {
    const policy = await getPublishedPolicyRow(handle.db);
    expect(policy?.version).toBe(1);
    expect(((policy?.rules ?? []) as { name: string }[]).map((r) => r.name)).toEqual(
      expect.arrayContaining([
        "Do not handle payments",
        "Always escalate legal issues",
        "Verify before sending",
        "No data deletion",
      ]),
    );
  });

  it("refuses a second published policy version", async () => {
    await expect(
      handle.db.execute(sql`insert into policy_versions (version, status) values (99, 'published')`),
    ).rejects.toThrow();
  });

  it("ranks knowledge-base articles with full-text search and highlights the matches", async () => {
    const hits = await searchKnowledgeBase(handle.db, "How do I reset my password? I forgot it!");
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]?.slug).toMatch(/password/);
    expect(hits[0]?.rank).toBeGreaterThan(0);
    expect(hits[0]?.snippet).toMatch(/<<password>>/i);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.rank).toBeGreaterThanOrEqual(hits[i]!.rank);
    expect(await searchKnowledgeBase(handle.db, "the a !!! ' & | :*")).toEqual([]);
  });

  it("pages through tickets with a keyset cursor, newest first, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listTickets>> = await listTickets(handle.db, {
        cursor: cursor ? decodeCursor(cursor) : null,
        limit: 100,
      });
      seen.push(...page.tickets.map((t) => t.id));
      for (let i = 1; i < page.tickets.length; i++) {
        expect(page.tickets[i - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(
          page.tickets[i]!.createdAt.getTime(),
        );
      }
      cursor = page.nextCursor;
    } while (cursor);
    const counts = await countTicketsByStatus(handle.db);
    expect(seen.length).toBe(counts.new);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("loads a ticket with its customer and the customer's orders", async () => {
    const { tickets } = await listTickets(handle.db, { limit: 1 });
    const context = await getTicketWithContext(handle.db, tickets[0]!.id);
    expect(context?.customer?.email).toBe(tickets[0]!.customerEmail);
    expect(context?.orders.length).toBeGreaterThan(0);
    expect(typeof context?.orders[0]?.totalCents).toBe("number");
  });
});
