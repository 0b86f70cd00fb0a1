import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { agentActions, auditLog, routingRules } from "@/db/schema";
import { availableDrivers, useTestDatabase } from "@/test/db";
import { type ActionCase, insertScenario, insertTierCustomers } from "@/test/routing-scenarios";
import { changeRouting } from "./change";
import { reapplyRouting } from "./reapply";

const action = (over: Partial<ActionCase>): ActionCase => ({
  kind: "reply",
  team: null,
  status: "pending_review",
  blockedBy: null,
  category: null,
  intent: null,
  tier: null,
  guardrails: [],
  otherSteps: [],
  slaMoved: false,
  ...over,
});

/**
 * Eleven undecided actions, oldest first: six replies (the first two chunks of three change
 * nothing), then escalations to legal with a reply and an SLA-moved escalation among them, and
 * two more actions proposed in the same instant, so that the id breaks ties at a chunk's edge.
 */
const ACTIONS: ActionCase[] = [
  ...Array.from({ length: 6 }, () => action({})),
  action({ kind: "escalation", team: "legal" }),
  action({ kind: "escalation", team: "legal", status: "blocked" }),
  action({}),
  action({ kind: "escalation", team: "legal", slaMoved: true }),
  action({ kind: "escalation", team: "legal" }),
];
const SAME_INSTANT: ActionCase[] = [action({ kind: "escalation", team: "legal" }), action({})];

describe.each(availableDrivers())("re-routing in chunks on %s", (driver) => {
  const database = useTestDatabase(driver);
  const actorId = randomUUID();
  let groupIds: string[];
  let actionIds: string[];
  let sameInstantIds: string[];

  const groupsOf = async (ids: string[]) => {
    const rows = await database.db
      .select({ id: agentActions.id, groupId: agentActions.groupId, routedBy: agentActions.routedBy })
      .from(agentActions)
      .where(inArray(agentActions.id, ids));
    return ids.map((id) => rows.find((r) => r.id === id));
  };

  beforeAll(async () => {
    const { db } = database;
    const tiers = await insertTierCustomers(db);
    const scenario = { groups: 2, defaultGroup: 0, rules: [], actions: [...ACTIONS, ...SAME_INSTANT] };
    const inserted = await insertScenario(db, scenario, tiers, "chunks");
    groupIds = inserted.groupIds;
    actionIds = inserted.actionIds.slice(0, ACTIONS.length);
    sameInstantIds = inserted.actionIds.slice(ACTIONS.length);
    // One second apart, in the order above; the last two share the instant after them.
    for (const [i, id] of actionIds.entries())
      await db
        .update(agentActions)
        .set({ createdAt: sql`timestamptz '2026-11-01 09:00:00+00' + make_interval(secs => ${i})` })
        .where(eq(agentActions.id, id));
    await db
      .update(agentActions)
      .set({ createdAt: sql`timestamptz '2026-11-01 09:01:00+00'` })
      .where(inArray(agentActions.id, sameInstantIds));
  });

  it("places every undecided action in the default group, chunk by chunk", async () => {
    expect(await reapplyRouting(database.db, { chunkSize: 3 })).toEqual({ moved: 12, routed: 12 });
    const placed = await groupsOf([...actionIds, ...sameInstantIds]);
    placed.forEach((p, i) => {
      if (i === 9) expect(p).toMatchObject({ routedBy: "sla" });
      else expect(p).toMatchObject({ groupId: groupIds[0], routedBy: "default" });
    });
  });

  it("moves exactly the actions a new rule matches, across chunk edges, and audits the counts", async () => {
    const { db } = database;
    const { moved, result } = await changeRouting(
      db,
      actorId,
      {
        action: "routing.rule.create",
        entityType: "routing_rule",
        apply: async (tx) => {
          const [rule] = await tx
            .insert(routingRules)
            .values({
              name: "Legal",
              position: 1,
              groupId: groupIds[1] as string,
              match: { teams: ["legal"] },
            })
            .returning({ id: routingRules.id });
          return { id: rule?.id as string, data: { name: "Legal" }, result: rule?.id as string };
        },
      },
      { chunkSize: 3 },
    );
    expect(moved).toBe(4);
    const routedBy = `rule:${result}`;
    const expected = [6, 7, 10].map((i) => actionIds[i] as string).concat(sameInstantIds[0] as string);
    for (const p of await groupsOf([...actionIds, ...sameInstantIds]))
      if (p && expected.includes(p.id)) expect(p).toMatchObject({ groupId: groupIds[1], routedBy });
      else if (p?.id === actionIds[9]) expect(p).toMatchObject({ routedBy: "sla" });
      else expect(p).toMatchObject({ groupId: groupIds[0], routedBy: "default" });

    const audit = await db
      .select({ action: auditLog.action, entityId: auditLog.entityId, data: auditLog.data })
      .from(auditLog)
      .where(eq(auditLog.actorId, actorId))
      .orderBy(auditLog.createdAt);
    expect(audit).toEqual([
      { action: "routing.rule.create", entityId: result, data: { name: "Legal" } },
      { action: "routing.rerouted", entityId: result, data: { movedActions: 4, reroutedActions: 4 } },
    ]);
  });

  it("ends a walk that changes nothing and reports nothing moved, whatever the chunk size", async () => {
    for (const chunkSize of [1, 3, 4, 12, 5_000])
      expect(await reapplyRouting(database.db, { chunkSize })).toEqual({ moved: 0, routed: 0 });
  });

  // PGlite has one connection, which a transaction holds: only PostgreSQL can show the chunk waiting on the lock.
  it.skipIf(driver !== "postgres")(
    "waits with its chunk while a change is being made, then routes by the rules it committed",
    async () => {
      const { db } = database;
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked = () => {};
      const lockHeld = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const change = db.transaction(async (tx) => {
        await tx.execute(sql`lock table review_groups, routing_rules in exclusive mode`);
        locked();
        await gate;
        await tx.update(routingRules).set({ enabled: false });
      });
      await lockHeld;
      let done = false;
      const reroute = reapplyRouting(db, { chunkSize: 3 }).finally(() => {
        done = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
      release();
      await change;
      // The legal escalations go back to the default group; the SLA-moved one stays.
      expect(await reroute).toEqual({ moved: 4, routed: 4 });
      for (const p of await groupsOf([...actionIds, ...sameInstantIds]))
        if (p?.id === actionIds[9]) expect(p).toMatchObject({ routedBy: "sla" });
        else expect(p).toMatchObject({ groupId: groupIds[0], routedBy: "default" });
    },
  );

  it("ends at once with no undecided action, and refuses a chunk size that would not advance", async () => {
    const { db } = database;
    await db
      .update(agentActions)
      .set({ status: "superseded" })
      .where(inArray(agentActions.id, [...actionIds, ...sameInstantIds]));
    expect(await reapplyRouting(db, { chunkSize: 3 })).toEqual({ moved: 0, routed: 0 });
    await expect(reapplyRouting(db, { chunkSize: 0 })).rejects.toThrow(/chunkSize/);
  });
});
