import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { draftRequests, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { createApiKey } from "@/lib/auth/api-keys";
import { createIngestHandlers } from "@/lib/ingest/http";
import { createRateLimiter } from "@/lib/ingest/rate-limit";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { sweepDraftRequests } from "./draft-requests";
import { DRAFT_QUEUE } from "./names";
import { draftJob, enqueueDrafts, startQueue } from "./queue";

describe("an acknowledged ticket is always drafted", () => {
  let handle: TestDatabase;
  let key: string;

  beforeAll(async () => {
    handle = await createTestDatabase(defaultDriver());
    await seedDemo(handle.db, { now: new Date("2026-11-01T12:00:00Z") });
    key = (await createApiKey(handle.db, { name: "helpdesk", scopes: ["tickets:ingest"] })).key;
  });

  afterAll(async () => {
    await handle?.destroy();
  });

  const jobsFor = async (ticketId: string) =>
    rowsOf<{ state: string }>(
      await handle.db.execute(
        sql`select state from pgboss.job where name = ${DRAFT_QUEUE} and data->>'ticketId' = ${ticketId}`,
      ),
    );

  it("queues the job of a ticket whose enqueue was cut after the commit, and forgets the request once drafted", async () => {
    const boss = await startQueue(handle, { work: false });
    try {
      const logged: unknown[] = [];
      const handlers = createIngestHandlers({
        db: async () => handle.db,
        // The write between the ticket's commit and the queue's insert is cut.
        enqueueDrafts: async () => {
          throw new Error("Connection terminated unexpectedly");
        },
        rateLimiter: createRateLimiter(1_000_000),
        log: { error: (...args: unknown[]) => logged.push(args) },
      });
      const response = await handlers.postTicket(
        new Request("http://localhost/api/v1/tickets", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({
            externalId: "cut-1",
            from: "casey@example.com",
            channel: "email",
            subject: "Where is my order?",
            body: "I ordered last week and nothing has arrived. Can you check where it is?",
          }),
        }),
      );
      expect(response.status).toBe(201);
      expect(logged).toHaveLength(1);
      const { id } = (await response.json()) as { id: string };

      // The request was stored with the ticket; no job exists.
      const requests = await handle.db.select().from(draftRequests).where(eq(draftRequests.ticketId, id));
      expect(requests).toHaveLength(1);
      expect(await jobsFor(id)).toEqual([]);

      const enqueue = (ids: string[]) =>
        enqueueDrafts(
          boss,
          ids.map((ticketId) => ({ ticketId })),
        );
      // Within the grace period the sweep leaves it to the enqueue after the commit.
      expect(await sweepDraftRequests(handle.db, enqueue)).toMatchObject({ queued: 0 });
      // Past it, the sweep queues it, once however often it runs.
      expect(await sweepDraftRequests(handle.db, enqueue, 0)).toMatchObject({ queued: 1 });
      await sweepDraftRequests(handle.db, enqueue, 0);
      expect((await jobsFor(id)).map((j) => j.state)).toEqual(["created"]);

      await draftJob(handle, { ticketId: id });
      const [ticket] = await handle.db
        .select({ status: tickets.status })
        .from(tickets)
        .where(eq(tickets.id, id));
      expect(ticket?.status).toBe("awaiting_review");

      expect(await sweepDraftRequests(handle.db, enqueue, 0)).toEqual({ settled: 1, queued: 0 });
      expect(await handle.db.select().from(draftRequests).where(eq(draftRequests.ticketId, id))).toEqual([]);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it("drafts only tickets acknowledged by ingest: seeded tickets still new are left to a person", async () => {
    const seededNew = await handle.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(eq(tickets.status, "new"));
    expect(seededNew.length).toBeGreaterThan(0);
    const queued: string[] = [];
    await sweepDraftRequests(handle.db, async (ids) => queued.push(...ids), 0);
    expect(queued).toEqual([]);
  });
});
