import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { agentRuns, tickets } from "@/db/schema";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { readHealth } from "./health";
import { enqueueDrafts, startQueue } from "./queue";

describe("the health report", () => {
  let handle: TestDatabase;

  beforeAll(async () => {
    stubEnv({ AGENT_MODEL: "anthropic:claude-sonnet-4-5", ANTHROPIC_API_KEY: undefined });
    handle = await createTestDatabase(defaultDriver());
  });

  afterAll(async () => {
    restoreEnv();
    await handle?.destroy();
  });

  it("tells an operator what is waiting, for how long, what is stuck, and which model cannot be used", async () => {
    const db = handle.db;
    const hourAgo = new Date(Date.now() - 3_600_000);
    const [old, , drafted] = await db
      .insert(tickets)
      .values(
        ["old", "recent", "drafted"].map((name, i) => ({
          externalId: `health-${name}`,
          fromEmail: "a@example.com",
          subject: name,
          body: name,
          status: i === 2 ? ("awaiting_review" as const) : ("new" as const),
          createdAt: i === 0 ? hourAgo : new Date(),
        })),
      )
      .returning({ id: tickets.id });
    // A run its process never finished, started 20 minutes ago: its lease ran out long since.
    await db.insert(agentRuns).values({
      ticketId: drafted?.id ?? "",
      model: "offline",
      startedAt: new Date(Date.now() - 20 * 60_000),
    });
    const boss = await startQueue(handle, { work: false });
    try {
      await enqueueDrafts(boss, [{ ticketId: old?.id ?? "" }]);
      const report = await readHealth(async () => handle as DatabaseHandle);
      expect(report.status).toBe("ok");
      if (report.status !== "ok") return;
      expect(report.backlog.queueDepth).toEqual({ drafting: 1, delivery: 0 });
      expect(report.backlog.oldestUndraftedTicketSeconds).toBeGreaterThanOrEqual(3_599);
      expect(report.backlog.oldestUndraftedTicketSeconds).toBeLessThan(3_700);
      expect(report.backlog.oldestUndeliveredOutboxSeconds).toBeNull();
      expect(report.backlog.expiredLeases).toBe(1);
      expect(report.backlog.staleRuns).toBe(1);
      expect(report.backlog.expiredJobs).toBe(0);
      expect(report.agent).toMatchObject({
        status: "misconfigured",
        model: "anthropic:claude-sonnet-4-5",
        problems: [
          {
            model: "anthropic:claude-sonnet-4-5",
            roles: ["primary", "small"],
            problem: expect.stringContaining("ANTHROPIC_API_KEY"),
          },
        ],
      });
      await db.execute(sql`select 1`);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it("answers 503 in the app's words when the database cannot be opened", async () => {
    const report = await readHealth(async () => {
      throw new Error('password authentication failed for user "countersign" at 10.1.2.3:5432');
    });
    expect(report).toMatchObject({ status: "unavailable", reason: "The database is unreachable." });
    expect(JSON.stringify(report)).not.toMatch(/password|10\.1\.2\.3|countersign"/);
  });
});
