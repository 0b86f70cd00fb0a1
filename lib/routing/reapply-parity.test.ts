import { inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { agentActions, reviewGroups, routingRules } from "@/db/schema";
import { availableDrivers, useTestDatabase } from "@/test/db";
import { testCount } from "@/test/env";
import { prng } from "@/test/fuzz-values";
import {
  type ActionCase,
  insertScenario,
  insertTierCustomers,
  payloadOf,
  randomScenario,
} from "@/test/routing-scenarios";
import { loadRoutingTable, type RoutingTable } from "./load";
import { reapplyRouting } from "./reapply";
import { routeAction } from "./route-action";
import { actionFacts } from "./run-facts";

/**
 * The two routers must agree: routeAction places an action as it is proposed, reapplyRouting
 * places every pending action again in SQL when the rules change. Random groups, ordered rules
 * and actions (see test/routing-scenarios.ts); a failure names its seed, and
 * ROUTING_PARITY_SEED=<seed> replays it (ROUTING_PARITY_SETS and _ACTIONS size the run).
 */
const SEED = testCount("ROUTING_PARITY_SEED", 1 + Math.floor(Math.random() * 2 ** 31));
const SETS = testCount("ROUTING_PARITY_SETS", 30);
const ACTIONS = testCount("ROUTING_PARITY_ACTIONS", 40);
/** Sets take turns with these chunk sizes, so that chunk edges fall among the actions (undefined: the default). */
const CHUNK_SIZES = [undefined, 7, 1, 16] as const;

interface Placement {
  groupId: string | null;
  routedBy: string | null;
}

/** Where routeAction puts the action, given the rules as the app loads them. */
function expectedPlacement(a: ActionCase, table: RoutingTable | null, slaGroup: string | null): Placement {
  if (a.slaMoved) return { groupId: slaGroup, routedBy: "sla" };
  if (!table) return { groupId: null, routedBy: null };
  const facts = actionFacts(
    { category: a.category, intent: a.intent, tier: a.tier, firedRules: a.guardrails },
    { kind: a.kind, payload: payloadOf(a), blockedBy: a.blockedBy },
  );
  return routeAction(facts, table.rules, table.defaultGroupId);
}

describe.each(availableDrivers())("reapplyRouting against routeAction on %s", (driver) => {
  const database = useTestDatabase(driver);
  let tiers: Awaited<ReturnType<typeof insertTierCustomers>>;

  beforeAll(async () => {
    tiers = await insertTierCustomers(database.db);
  });

  it(`places every pending action alike (${SETS} random rule sets × ${ACTIONS} actions)`, async () => {
    const { db } = database;
    const random = prng(SEED);
    const disagreements: string[] = [];
    const routedBy = { rule: 0, default: 0, other: 0 };
    for (let set = 0; set < SETS; set++) {
      const scenario = randomScenario(random, ACTIONS);
      const { groupIds, ruleIds, actionIds } = await insertScenario(db, scenario, tiers, `set${set}`);
      const table = await loadRoutingTable(db);
      const before = new Map(
        (
          await db
            .select({ id: agentActions.id, groupId: agentActions.groupId })
            .from(agentActions)
            .where(inArray(agentActions.id, actionIds))
        ).map((row) => [row.id, row.groupId]),
      );
      const chunkSize = CHUNK_SIZES[set % CHUNK_SIZES.length];
      await reapplyRouting(db, { chunkSize });
      const rows = await db
        .select({ id: agentActions.id, groupId: agentActions.groupId, routedBy: agentActions.routedBy })
        .from(agentActions)
        .where(inArray(agentActions.id, actionIds));
      const placed = new Map(rows.map((row) => [row.id, { groupId: row.groupId, routedBy: row.routedBy }]));
      scenario.actions.forEach((action, i) => {
        const id = actionIds[i] as string;
        const expected = expectedPlacement(action, table, before.get(id) ?? null);
        const actual = placed.get(id);
        if (expected.routedBy?.startsWith("rule:")) routedBy.rule++;
        else if (expected.routedBy === "default") routedBy.default++;
        else routedBy.other++;
        if (actual?.groupId !== expected.groupId || actual?.routedBy !== expected.routedBy) {
          // Groups and rules by their index in the scenario (g0…, rules[0]…), not their ids.
          const say = (p: Partial<Placement> | undefined) =>
            `${p?.groupId ? `g${groupIds.indexOf(p.groupId)}` : "no group"} by ${
              p?.routedBy?.replace(/^rule:(.*)$/, (_, id: string) => `rules[${ruleIds.indexOf(id)}]`) ??
              "nothing"
            }`;
          disagreements.push(
            `set ${set} (chunks of ${chunkSize ?? "default"}), action ${i}: routeAction ${say(expected)}, reapplyRouting ${say(actual)}; ` +
              `action ${JSON.stringify(action)}; rules ${JSON.stringify(scenario.rules)}; ` +
              `default g${scenario.defaultGroup}`,
          );
        }
      });
      // The next set starts afresh: this set's actions are decided, its groups and rules gone.
      await db.update(agentActions).set({ status: "superseded" }).where(inArray(agentActions.id, actionIds));
      await db.delete(routingRules);
      await db.delete(reviewGroups);
    }
    expect(
      disagreements.slice(0, 5),
      `seed ${SEED}: ${disagreements.length} disagreements; replay with ROUTING_PARITY_SEED=${SEED}`,
    ).toEqual([]);
    // The sets exercise both outcomes, not only the default group.
    expect(routedBy.rule).toBeGreaterThan(0);
    expect(routedBy.default).toBeGreaterThan(0);
    console.info(`routing parity on ${driver}, seed ${SEED}: ${JSON.stringify(routedBy)}`);
  }, 120_000);
});
