import { asc, count, eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { agentActions, reviewGroupMembers, reviewGroups, routingRules, users } from "../schema";

/** Groups with their members and how many undecided actions each holds, for the routing page. */
export async function listReviewGroups(db: Db) {
  const [groups, members, waiting] = await Promise.all([
    db.select().from(reviewGroups).orderBy(asc(reviewGroups.name)),
    db
      .select({
        groupId: reviewGroupMembers.groupId,
        userId: reviewGroupMembers.userId,
        isLead: reviewGroupMembers.isLead,
        name: users.name,
      })
      .from(reviewGroupMembers)
      .innerJoin(users, eq(users.id, reviewGroupMembers.userId))
      .orderBy(asc(users.name)),
    db
      .select({ groupId: agentActions.groupId, n: count() })
      .from(agentActions)
      .where(inArray(agentActions.status, ["pending_review", "blocked"]))
      .groupBy(agentActions.groupId),
  ]);
  return groups.map((g) => ({
    ...g,
    members: members.filter((m) => m.groupId === g.id),
    undecided: Number(waiting.find((w) => w.groupId === g.id)?.n ?? 0),
  }));
}
export type ReviewGroupRow = Awaited<ReturnType<typeof listReviewGroups>>[number];

export async function listRoutingRules(db: Db) {
  return db.select().from(routingRules).orderBy(asc(routingRules.position), asc(routingRules.id));
}
export type RoutingRuleRow = Awaited<ReturnType<typeof listRoutingRules>>[number];

/** People who can be put in a group. */
export async function listPeople(db: Db) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .orderBy(asc(users.name));
}

/** Group ids and names, for filters. */
export async function listGroupNames(db: Db) {
  return db
    .select({ id: reviewGroups.id, name: reviewGroups.name })
    .from(reviewGroups)
    .orderBy(asc(reviewGroups.name));
}
