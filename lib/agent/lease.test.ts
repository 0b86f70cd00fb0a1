import type { LanguageModelV4 } from "@ai-sdk/provider";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentActions, agentRuns, draftRequests, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { readBacklog } from "@/lib/jobs/backlog";
import { draftJob, startQueue } from "@/lib/jobs/queue";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { holdLease, LEASE_OWNER } from "./lease";
import { createOfflineModel, OFFLINE_MODEL_ID } from "./offline/model";
import { ABANDONED_RUN_ERROR, reclaimExpiredRuns } from "./reclaim";
import { runAgent } from "./run";

const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };
/** Short leases keep these tests fast; the defaults are 30 s and 10 s. */
const SHORT = { AGENT_LEASE_SECONDS: "1", AGENT_HEARTBEAT_SECONDS: "0.2" };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await pause(100);
  }
}

describe.each(availableDrivers())("run leases on %s", (driver) => {
  let handle: TestDatabase;
  let spare: string[] = [];

  beforeAll(async () => {
    stubEnv(SHORT);
    handle = await createTestDatabase(driver);
    await seedDemo(handle.db, { now: new Date("2026-11-01T12:00:00Z") });
    const fresh = await handle.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.status, "new"));
    spare = fresh.map((t) => t.id);
  });

  afterAll(async () => {
    restoreEnv();
    await handle?.destroy();
  });

  const nextTicket = () => {
    const id = spare.shift();
    if (!id) throw new Error("the demo data ran out of new tickets");
    return id;
  };

  /** A run its process left behind: `running`, its ticket `drafting`, its lease ending `inMs` from now. */
  async function orphanRun(ticketId: string, inMs: number, guidance: string | null = null): Promise<string> {
    await handle.db.update(tickets).set({ status: "drafting" }).where(eq(tickets.id, ticketId));
    const [run] = await handle.db
      .insert(agentRuns)
      .values({
        ticketId,
        model: OFFLINE_MODEL_ID,
        guidance,
        leaseOwner: "gone-host:4242",
        leaseExpiresAt: new Date(Date.now() + inMs),
      })
      .returning({ id: agentRuns.id });
    if (!run) throw new Error("no run stored");
    return run.id;
  }

  const runsOf = (ticketId: string) =>
    handle.db
      .select({
        id: agentRuns.id,
        status: agentRuns.status,
        error: agentRuns.error,
        leaseOwner: agentRuns.leaseOwner,
        guidance: agentRuns.guidance,
      })
      .from(agentRuns)
      .where(eq(agentRuns.ticketId, ticketId))
      .orderBy(asc(agentRuns.startedAt));

  const statusOf = async (ticketId: string) =>
    (await handle.db.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, ticketId)))[0]
      ?.status;

  it("reclaims a run whose heartbeat stopped and redrafts its ticket exactly once, with its guidance", async () => {
    const ticketId = nextTicket();
    const dead = await orphanRun(ticketId, -1_000, "Apologise for the delay.");
    expect((await readBacklog(handle.db)).expiredLeases).toBe(1);

    const boss = await startQueue(handle);
    try {
      await waitFor(async () => (await statusOf(ticketId)) === "awaiting_review");
      // Several more sweeps go by: nothing is drafted twice.
      await pause(1_000);
    } finally {
      await boss.stop({ graceful: true, wait: true });
    }
    const runs = await runsOf(ticketId);
    expect(runs.map((r) => r.id)[0]).toBe(dead);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ status: "failed", error: ABANDONED_RUN_ERROR });
    expect(runs[1]).toMatchObject({
      status: "succeeded",
      leaseOwner: LEASE_OWNER,
      guidance: "Apologise for the delay.",
    });
    const backlog = await readBacklog(handle.db);
    expect(backlog.expiredLeases).toBe(0);
    expect(backlog.staleRuns).toBe(0);
  });

  it("leaves a live lease alone; once it runs out a retried job takes the run over", async () => {
    const ticketId = nextTicket();
    const live = await orphanRun(ticketId, 60_000);
    expect(await reclaimExpiredRuns(handle.db)).toEqual([]);
    // A retried job finds the ticket drafting under a live lease: it does nothing.
    await draftJob(handle, { ticketId });
    await expect(runAgent(handle.db, ticketId, { models: OFFLINE })).rejects.toMatchObject({
      code: "conflict:run",
      message: "The agent is already drafting this ticket. Wait for that run to finish.",
    });
    expect(await runsOf(ticketId)).toMatchObject([{ id: live, status: "running" }]);
    expect(await statusOf(ticketId)).toBe("drafting");

    await handle.db
      .update(agentRuns)
      .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(agentRuns.id, live));
    await draftJob(handle, { ticketId });
    const runs = await runsOf(ticketId);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ id: live, status: "failed", error: ABANDONED_RUN_ERROR });
    expect(runs[1]?.status).toBe("succeeded");
    expect(await statusOf(ticketId)).toBe("awaiting_review");
  });

  it("redrafts a ticket whose run is dead at once", async () => {
    const ticketId = nextTicket();
    const dead = await orphanRun(ticketId, -1);
    const outcome = await runAgent(handle.db, ticketId, { models: OFFLINE, guidance: "Keep it short." });
    expect(outcome.status).toBe("succeeded");
    expect(await runsOf(ticketId)).toMatchObject([
      { id: dead, status: "failed", error: ABANDONED_RUN_ERROR },
      { id: outcome.runId, status: "succeeded", guidance: "Keep it short." },
    ]);
    expect(await statusOf(ticketId)).toBe("awaiting_review");
  });

  it("a queued draft of a ticket another run drafted meanwhile opens no run", async () => {
    const ticketId = nextTicket();
    await runAgent(handle.db, ticketId, { models: OFFLINE });
    expect(await statusOf(ticketId)).toBe("awaiting_review");
    // The job read "new" before the other run finished: the run's opening checks again, atomically.
    await expect(
      runAgent(handle.db, ticketId, { models: OFFLINE, onlyFrom: ["new", "drafting"] }),
    ).rejects.toMatchObject({ code: "conflict:run" });
    expect((await runsOf(ticketId)).map((r) => r.status)).toEqual(["succeeded"]);
    expect(await statusOf(ticketId)).toBe("awaiting_review");
  });

  it("two reclaimers at once take each dead run once, and each ticket is drafted once", async () => {
    // A long lease: eight drafts at once on one busy machine must not outlast the new runs' leases.
    stubEnv({ AGENT_LEASE_SECONDS: "60", AGENT_HEARTBEAT_SECONDS: "50" });
    const ids = [nextTicket(), nextTicket(), nextTicket(), nextTicket()];
    for (const id of ids) await orphanRun(id, -1_000);
    const [first, second] = await Promise.all([reclaimExpiredRuns(handle.db), reclaimExpiredRuns(handle.db)]);
    const taken = [...(first ?? []), ...(second ?? [])].map((r) => r.ticketId);
    expect(taken.sort()).toEqual([...ids].sort());
    const requested = await handle.db
      .select({ ticketId: draftRequests.ticketId })
      .from(draftRequests)
      .where(inArray(draftRequests.ticketId, ids));
    expect(requested).toHaveLength(ids.length);
    // Two workers given the same ticket's job at once: one drafts, the other finds it taken.
    await Promise.all(
      ids.flatMap((ticketId) => [draftJob(handle, { ticketId }), draftJob(handle, { ticketId })]),
    );
    for (const id of ids) {
      const runs = await runsOf(id);
      expect(runs.map((r) => r.status)).toEqual(["failed", "succeeded"]);
      expect(await statusOf(id)).toBe("awaiting_review");
    }
    stubEnv(SHORT);
  });

  it("the heartbeat keeps a working run's lease; once it stops the run is reclaimed", async () => {
    const ticketId = nextTicket();
    const run = await orphanRun(ticketId, 1_000);
    const lease = holdLease(handle.db, run, { leaseSeconds: 1, heartbeatSeconds: 0.2 });
    try {
      await pause(1_500);
      expect(await reclaimExpiredRuns(handle.db, { ticketId })).toEqual([]);
    } finally {
      lease.release();
    }
    await pause(1_300);
    expect(await reclaimExpiredRuns(handle.db, { ticketId })).toMatchObject([{ runId: run, ticketId }]);
    expect(await statusOf(ticketId)).toBe("new");
  });

  it("refuses the late result of a run reclaimed while its process was cut off", async () => {
    // A long lease and heartbeat: the run's own heartbeat does not beat during this test.
    stubEnv({ AGENT_LEASE_SECONDS: "60", AGENT_HEARTBEAT_SECONDS: "50" });
    const ticketId = nextTicket();
    const offline = createOfflineModel();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const gated: LanguageModelV4 = {
      ...offline,
      doGenerate: async (options) => {
        await gate;
        return offline.doGenerate(options);
      },
    };
    try {
      const running = runAgent(handle.db, ticketId, {
        models: OFFLINE,
        useCache: false,
        resolveModel: () => gated,
      });
      running.catch(() => undefined);
      await waitFor(async () => (await runsOf(ticketId)).some((r) => r.status === "running"));
      await handle.db
        .update(agentRuns)
        .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
        .where(eq(agentRuns.ticketId, ticketId));
      const [reclaimed] = await reclaimExpiredRuns(handle.db, { ticketId });
      open();
      await expect(running).rejects.toMatchObject({ code: "conflict:run" });
      const runs = await runsOf(ticketId);
      expect(runs).toMatchObject([{ id: reclaimed?.runId, status: "failed", error: ABANDONED_RUN_ERROR }]);
      const actions = await handle.db
        .select({ id: agentActions.id })
        .from(agentActions)
        .where(eq(agentActions.runId, reclaimed?.runId ?? ""));
      expect(actions).toEqual([]);
      // The ticket is back in the queue, owed a draft.
      expect(await statusOf(ticketId)).toBe("new");
      const owed = await handle.db.select().from(draftRequests).where(eq(draftRequests.ticketId, ticketId));
      expect(owed).toHaveLength(1);
    } finally {
      open();
      stubEnv(SHORT);
    }
  });
});
