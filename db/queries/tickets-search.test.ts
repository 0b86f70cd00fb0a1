import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { tickets } from "@/db/schema";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { decodeCursor, listTickets } from "./tickets";

const IDS = ["bitext-4182", "bitext-41", "BITEXT-9041", "hand-7", "bitext-4_2%"];

describe.each(availableDrivers())("ticket search on %s", (driver) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    await handle.db.insert(tickets).values(
      IDS.map((externalId, i) => ({
        externalId,
        fromEmail: `customer-${i}@example.test`,
        subject: `Question ${i}`,
        body: "Where is my order?",
      })),
    );
  });
  afterAll(() => handle?.destroy());

  const search = async (q: string) =>
    (await listTickets(handle.db, { q, limit: 50 })).tickets.map((t) => t.externalId).sort();

  it("finds external ids by a part of them, in any case", async () => {
    expect(await search("BITEXT-41")).toEqual(["bitext-41", "bitext-4182"]);
    expect(await search("xt-41")).toEqual(["bitext-41", "bitext-4182"]);
    expect(await search("text-904")).toEqual(["BITEXT-9041"]);
    expect(await search("4182")).toEqual(["bitext-4182"]);
    expect(await search("nothing-like-this")).toEqual([]);
  });

  it("puts the ticket whose id is exactly the search first, and pages the rest without repeating it", async () => {
    const first = await listTickets(handle.db, { q: "BITEXT-41", limit: 1 });
    expect(first.tickets.map((t) => t.externalId)).toEqual(["bitext-41"]);
    const [cursor] = [first.nextCursor];
    expect(cursor).not.toBeNull();
    const rest = await listTickets(handle.db, {
      q: "BITEXT-41",
      limit: 10,
      cursor: cursor ? decodeCursor(cursor) : null,
    });
    expect(rest.tickets.map((t) => t.externalId)).toEqual(["bitext-4182"]);
  });

  it("takes % and _ literally", async () => {
    expect(await search("4_2%")).toEqual(["bitext-4_2%"]);
    expect(await search("_")).toEqual(["bitext-4_2%"]);
  });

  it("has a trigram index on the external id to serve it", async () => {
    const rows = rowsOf<{ indexdef: string }>(
      await handle.db.execute(
        sql`select indexdef from pg_indexes where tablename = 'tickets' and indexname = 'tickets_external_id_trgm_idx'`,
      ),
    );
    expect(rows[0]?.indexdef).toMatch(/gin \(external_id gin_trgm_ops\)/i);
  });
});
