import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { reviewGroups, routingRules } from "@/db/schema";
import type { RoutingRuleInput } from "./route-action";

/** What routing needs to place a run's actions: null while routing is off (no group, or no default). */
export interface RoutingTable {
  defaultGroupId: string;
  rules: RoutingRuleInput[];
}

/** Groups and rules in one statement (read once per agent run). */
export async function loadRoutingTable(db: Pick<Db, "select">): Promise<RoutingTable | null> {
  const rows = await db
    .select({
      groupId: reviewGroups.id,
      isDefault: reviewGroups.isDefault,
      ruleId: routingRules.id,
      position: routingRules.position,
      match: routingRules.match,
      enabled: routingRules.enabled,
    })
    .from(reviewGroups)
    .leftJoin(routingRules, eq(routingRules.groupId, reviewGroups.id));
  const defaultGroupId = rows.find((r) => r.isDefault)?.groupId;
  if (!defaultGroupId) return null;
  const rules: RoutingRuleInput[] = [];
  for (const r of rows) {
    if (r.ruleId === null || r.position === null || r.match === null || r.enabled === null) continue;
    rules.push({
      id: r.ruleId,
      position: r.position,
      groupId: r.groupId,
      match: r.match,
      enabled: r.enabled,
    });
  }
  return { defaultGroupId, rules };
}
