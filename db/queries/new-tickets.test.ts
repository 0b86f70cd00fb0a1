import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tickets } from "@/db/schema";
import { ingestTickets } from "@/lib/ingest/ingest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { newTicketsWithCounts } from "./tickets";

describe("Draft all new and the status counts", () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(() => handle?.destroy());

  it("queue exactly the tickets the `new` count holds, from one reading", async () => {
    const outcomes = await ingestTickets(
      handle.db,
      [1, 2, 3].map((i) => ({
        externalId: `n-${i}`,
        subject: `Order ${i}`,
        body: "Where is it?",
        from: `b${i}@example.com`,
        channel: "email" as const,
      })),
      { kind: "user", id: "00000000-0000-4000-8000-000000000000" },
      "csv",
    );
    // One of them is being drafted already (its job was queued at ingest): not new any more.
    await handle.db
      .update(tickets)
      .set({ status: "drafting" })
      .where(eq(tickets.id, outcomes[0]?.id ?? ""));
    const { ids, counts } = await newTicketsWithCounts(handle.db);
    expect(ids).toHaveLength(counts.new ?? 0);
    expect(new Set(ids)).toEqual(new Set([outcomes[1]?.id, outcomes[2]?.id]));
    expect(counts.drafting).toBe(1);
  });
});
