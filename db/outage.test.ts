import { and, eq, inArray } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ABANDONED_RUN_ERROR } from "@/lib/agent/reclaim";
import { runAgent } from "@/lib/agent/run";
import { createApiKey } from "@/lib/auth/api-keys";
import { createIngestHandlers } from "@/lib/ingest/http";
import { createRateLimiter } from "@/lib/ingest/rate-limit";
import { readBacklog } from "@/lib/jobs/backlog";
import { enqueueDrafts, startQueue } from "@/lib/jobs/queue";
import { decideAction, type Reviewer } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { type PgProxy, startProxy } from "@/test/pg-proxy";
import { type DatabaseHandle, openDatabase } from "./client";
import { agentActions, agentRuns, reviews, tickets, users } from "./schema";
import { seedDemo } from "./seed";

/** A short lease keeps the test bounded: a dead run is reclaimed within 2.5 s. */
const LEASE = { AGENT_LEASE_SECONDS: "2", AGENT_HEARTBEAT_SECONDS: "0.5" };
/** How long after recovery nothing may be stuck or undrafted (the bar). */
const RECOVERY_WINDOW_MS = 60_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!availableDrivers().includes("postgres"))(
  "nothing lost or stuck across a database outage",
  () => {
    let database: TestDatabase;
    let proxy: PgProxy;
    let app: DatabaseHandle;
    let boss: PgBoss | undefined;
    let key: string;
    let reviewer: Reviewer;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);

    beforeAll(async () => {
      process.on("unhandledRejection", onUnhandled);
      stubEnv(LEASE);
      database = await createTestDatabase("postgres");
      await seedDemo(database.db, { now: new Date("2026-11-01T12:00:00Z") });
      key = (await createApiKey(database.db, { name: "helpdesk", scopes: ["tickets:ingest"] })).key;
      const [person] = await database.db
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(eq(users.email, "reviewer@example.com"));
      if (!person) throw new Error("no seeded reviewer");
      reviewer = person;
      // Drafts for the reviewer to decide during the outage.
      const fresh = await database.db
        .select({ id: tickets.id })
        .from(tickets)
        .where(eq(tickets.status, "new"))
        .limit(8);
      for (const t of fresh) await runAgent(database.db, t.id, { useCache: false });
      const url = new URL(database.url ?? "");
      proxy = await startProxy({ host: url.hostname, port: Number(url.port || 5432) });
      url.host = `127.0.0.1:${proxy.port}`;
      // The app's database and its queue reach PostgreSQL only through the proxy.
      app = await openDatabase({
        kind: "postgres",
        url: url.toString(),
        max: 4,
        deadlines: { connectTimeoutSeconds: 1, statementTimeoutMs: 2_000, idleInTransactionTimeoutMs: 2_000 },
      });
    });

    afterAll(async () => {
      await boss?.stop({ graceful: false, wait: true }).catch(() => undefined);
      await app?.close().catch(() => undefined);
      const closing = proxy?.refuse();
      proxy?.cut();
      await closing;
      await database?.destroy();
      restoreEnv();
      process.off("unhandledRejection", onUnhandled);
    });

    it("loses no acknowledged write, and leaves no ticket stuck or undrafted after recovery", async () => {
      const queue = await startQueue(app);
      boss = queue;
      const handlers = createIngestHandlers({
        db: async () => app.db,
        enqueueDrafts: (ids) =>
          enqueueDrafts(
            queue,
            ids.map((ticketId) => ({ ticketId })),
          ),
        rateLimiter: createRateLimiter(1_000_000),
        log: { error: () => undefined },
      });
      const acknowledged: string[] = [];
      const decided: string[] = [];
      let sent = 0;
      let running = true;

      const ingest = async (lane: number) => {
        for (let i = 0; running; i++) {
          const externalId = `outage-${lane}-${i}`;
          sent++;
          const response = await handlers.postTicket(
            new Request("http://localhost/api/v1/tickets", {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
              body: JSON.stringify({
                externalId,
                from: `customer${lane}@example.com`,
                channel: "email",
                subject: "Where is my order?",
                body: `I ordered last week (lane ${lane}, try ${i}) and nothing has arrived. Can you check?`,
              }),
            }),
          );
          if (response.status === 201) acknowledged.push(externalId);
          await pause(20);
        }
      };
      const pending = await database.db
        .select({ id: agentActions.id, version: agentActions.version })
        .from(agentActions)
        .where(eq(agentActions.status, "pending_review"));
      const decide = async () => {
        for (const action of pending) {
          if (!running) return;
          const input = {
            actionId: action.id,
            version: action.version,
            decision: "reject",
            reason: "Outage drill.",
          };
          await decideAction(app.db, reviewer, decisionSchema.parse(input)).then(
            () => decided.push(action.id),
            () => undefined,
          );
          await pause(50);
        }
      };
      const load = Promise.all([ingest(0), ingest(1), ingest(2), decide()]);

      await pause(1_000);
      // The outage: every connection is terminated every 0.2 s for 1.5 s, then connections are refused for 1.5 s.
      const cutUntil = Date.now() + 1_500;
      while (Date.now() < cutUntil) {
        proxy.cut();
        await pause(200);
      }
      const closing = proxy.refuse();
      proxy.cut();
      await closing;
      await pause(1_500);
      await proxy.restore();
      const recovered = performance.now();
      await pause(1_000);
      running = false;
      await load;

      // Read through a connection of its own, never cut.
      const db = database.db;
      const counts = async () => {
        const stored = acknowledged.length
          ? await db
              .select({ externalId: tickets.externalId, status: tickets.status })
              .from(tickets)
              .where(inArray(tickets.externalId, acknowledged))
          : [];
        const reviewed = decided.length
          ? await db.select({ id: reviews.actionId }).from(reviews).where(inArray(reviews.actionId, decided))
          : [];
        return {
          missing: acknowledged.length - stored.length + (decided.length - reviewed.length),
          drafting: stored.filter((t) => t.status === "drafting").length,
          undrafted: stored.filter((t) => t.status === "new").length,
        };
      };
      let now = await counts();
      while (now.drafting + now.undrafted > 0 && performance.now() - recovered < RECOVERY_WINDOW_MS) {
        await pause(250);
        now = await counts();
      }
      const settledSeconds = (performance.now() - recovered) / 1000;
      const reclaimed = await db
        .select({ id: agentRuns.id })
        .from(agentRuns)
        .where(and(eq(agentRuns.status, "failed"), eq(agentRuns.error, ABANDONED_RUN_ERROR)));
      const backlog = await readBacklog(db);
      console.log(
        `outage: ${sent} ingests sent, ${acknowledged.length} acknowledged, ${decided.length} decisions acknowledged; ` +
          `after recovery: ${now.missing} acknowledged writes missing, ${now.drafting} tickets stuck drafting, ` +
          `${now.undrafted} undrafted (settled ${settledSeconds.toFixed(1)} s after recovery, lease ${LEASE.AGENT_LEASE_SECONDS} s), ` +
          `${reclaimed.length} runs reclaimed, ${backlog.expiredLeases} expired leases, ${unhandled.length} unhandled rejections`,
      );
      for (const reason of unhandled) console.error("unhandled rejection:", reason);
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(now).toEqual({ missing: 0, drafting: 0, undrafted: 0 });
      expect(backlog.expiredLeases).toBe(0);
      expect(unhandled).toEqual([]);
    });
  },
);
