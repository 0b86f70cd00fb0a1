import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentRuns, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { type ChatServer, startChatServer } from "@/test/chat-server";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv, testCount } from "@/test/env";
import { runAgent } from "../run";
import { getLanguageModel, OFFLINE_MODEL_ID } from "./index";
import { DEFAULT_RESILIENCE, resetBreakers } from "./resilience";

const MODEL = "compatible:scripted";
/** 200 for the figure in the README; fewer in the everyday suite. */
const TICKETS = testCount("ERROR_RATE_TICKETS", 100);
const ERROR_RATE = 0.4;
const TRANSIENT = [500, 502, 503, 429];

/** A deterministic pseudo-random sequence (mulberry32), so every run of this test sees the same errors. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 40 % of the provider's answers are transient errors (500, 502, 503, 429), over
 * many tickets drafted one after the other with the production resilience
 * settings (only the backoff delays are shortened). Counts the tickets that
 * bypassed the configured model (drafted by the fallback, or escalated).
 */
describe("a provider failing 40 % of its calls", () => {
  let handle: TestDatabase;
  let db: Db;
  let server: ChatServer;

  beforeAll(async () => {
    server = await startChatServer();
    stubEnv({ OPENAI_COMPATIBLE_BASE_URL: server.url });
    handle = await createTestDatabase(defaultDriver());
    db = handle.db;
    await seedDemo(db, { now: new Date("2026-11-01T12:00:00Z") });
  });

  afterAll(async () => {
    restoreEnv();
    await server?.close();
    await handle?.destroy();
  });

  it("drafts most tickets with the configured model", { timeout: 600_000 }, async () => {
    const next = random(14);
    server.fail = () =>
      next() < ERROR_RATE
        ? { status: TRANSIENT[Math.floor(next() * TRANSIENT.length)] ?? 500, message: "provider error" }
        : null;
    resetBreakers();
    const ids = (
      await db.select({ id: tickets.id }).from(tickets).orderBy(asc(tickets.externalId)).limit(TICKETS)
    ).map((r) => r.id);
    let bypassed = 0;
    let fallbackDrafts = 0;
    for (const id of ids) {
      const outcome = await runAgent(db, id, {
        models: { small: MODEL, large: MODEL, fallback: OFFLINE_MODEL_ID },
        resolveModel: (m) => getLanguageModel(m),
        resilience: { ...DEFAULT_RESILIENCE, initialDelayMs: 1, maxDelayMs: 5 },
        useCache: false,
      });
      const [run] = await db
        .select({ model: agentRuns.model })
        .from(agentRuns)
        .where(eq(agentRuns.id, outcome.runId));
      if (outcome.status !== "succeeded") bypassed++;
      if (run?.model === OFFLINE_MODEL_ID) fallbackDrafts++;
    }
    const failed = server.statuses.filter((s) => s !== 200).length;
    console.log(
      `40 % provider errors: ${bypassed} of ${ids.length} tickets bypassed ${MODEL} ` +
        `(${fallbackDrafts} drafted by the fallback); ${failed} of ${server.statuses.length} requests failed`,
    );
    expect(ids.length).toBe(TICKETS);
    // Each call fails only when all 3 attempts fail (0.4^3 = 6.4 %); a run makes about 4 calls.
    expect(bypassed).toBeLessThan(TICKETS * 0.4);
  });
});
