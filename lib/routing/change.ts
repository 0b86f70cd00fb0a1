import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { auditInsert } from "@/db/queries/audit";
import type { Transaction } from "@/lib/agent/recorder";
import { type ReapplyOptions, reapplyRouting } from "./reapply";

export interface RoutingChange<T> {
  /** The audit row's action, e.g. `routing.group.save`. */
  action: string;
  entityType: "review_group" | "routing_rule";
  /** Makes the change; returns the entity's id and what the audit row records. */
  apply: (tx: Transaction) => Promise<{ id: string; data: Record<string, unknown>; result: T }>;
}

export interface RoutingChangeResult<T> {
  result: T;
  /** Undecided actions that changed group when the rules were applied again. */
  moved: number;
}

/** The audit action of the re-route that follows a change, with its counts. */
export const REROUTED_AUDIT_ACTION = "routing.rerouted";

/**
 * A change to groups or rules and its audit row, committed in one transaction; then the
 * re-routing of every undecided action it implies, in chunks after that commit, and a second
 * audit row (`routing.rerouted`, same entity) with the counts.
 *
 * Changes are serialised: the routing tables are locked against other writers while one is
 * made; readers and running agents are not held up. The re-route runs outside that lock, a
 * chunk at a time (see reapply.ts), so reviewers deciding an action wait at most for one
 * chunk, not for every undecided action. Meanwhile a newly proposed action is routed by the
 * new rules anyway (routeAction reads the tables afresh), and a second change made while this
 * re-route runs re-routes everything again after its own commit; chunks and changes exclude
 * each other, so the actions end under the rules committed last. If the re-route fails, the
 * change stands and the actions not yet reached keep their group until the next re-route.
 */
export async function changeRouting<T>(
  db: Db,
  actorId: string,
  change: RoutingChange<T>,
  options: ReapplyOptions = {},
): Promise<RoutingChangeResult<T>> {
  const { id, result } = await db.transaction(async (tx) => {
    await tx.execute(sql`lock table review_groups, routing_rules in exclusive mode`);
    const applied = await change.apply(tx);
    await auditInsert(tx, {
      actorId,
      actorType: "user",
      action: change.action,
      entityType: change.entityType,
      entityId: applied.id,
      data: applied.data,
    });
    return applied;
  });
  const { moved, routed } = await reapplyRouting(db, options);
  await auditInsert(db, {
    actorId,
    actorType: "user",
    action: REROUTED_AUDIT_ACTION,
    entityType: change.entityType,
    entityId: id,
    data: { movedActions: moved, reroutedActions: routed },
  });
  return { result, moved };
}
