import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import { tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { categoryEligibility } from "@/lib/autopilot/categories";
import { windowStart } from "@/lib/autopilot/inputs";
import { loadCategoryStats } from "@/lib/autopilot/stats";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { buildAutopilotEvidence, DEMO_AUTOPILOT_INTENT } from "./autopilot-evidence";
import { buildDemoHistory } from "./history";

const NOW = new Date("2026-11-24T12:00:00Z");

describe("the demo's autopilot evidence", () => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedDemo(handle.db, { now: NOW });
    await buildDemoHistory(handle.db, { now: NOW });
  }, 600_000);
  afterAll(() => handle?.destroy());

  it("makes order-tracking replies eligible over the last 30 days, and nothing else", async () => {
    const policy = await getPublishedPolicyRow(handle.db);
    if (!policy) throw new Error("the seed publishes a policy");
    const key = { intent: DEMO_AUTOPILOT_INTENT, actionKind: "reply" as const };
    const since = windowStart("30", NOW);
    expect((await categoryEligibility(handle.db, policy.id, key, since)).eligible).toBe(false);

    expect(await buildAutopilotEvidence(handle.db, { now: NOW })).toBeGreaterThanOrEqual(220);
    const check = await categoryEligibility(handle.db, policy.id, key, since);
    expect(check).toMatchObject({ eligible: true, blockers: [] });
    expect(check.reviewed).toBeGreaterThanOrEqual(220);
    const stats = await loadCategoryStats(handle.db, policy.id, since);
    const eligible = stats.filter(
      (s) => s.reviewed >= 200 && s.approvedAsIs / s.reviewed > 0.95 && s.intent !== DEMO_AUTOPILOT_INTENT,
    );
    expect(eligible).toEqual([]);
    // The clones keep their triage reading.
    const clones = await handle.db
      .select({ status: tickets.status })
      .from(tickets)
      .where(and(eq(tickets.triageIntent, DEMO_AUTOPILOT_INTENT), eq(tickets.demo, true)));
    expect(clones.length).toBeGreaterThanOrEqual(220);
  }, 600_000);
});
