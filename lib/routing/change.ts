import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { auditInsert } from "@/db/queries/audit";
import type { Transaction } from "@/lib/agent/recorder";
import { reapplyRouting } from "./reapply";

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

/**
 * A change to groups or rules, the re-routing of every undecided action it implies and the
 * audit row with the counts, in one transaction. Changes are serialised (the routing tables
 * are locked against other writers; readers and running agents are not held up).
 */
export async function changeRouting<T>(
  db: Db,
  actorId: string,
  change: RoutingChange<T>,
): Promise<RoutingChangeResult<T>> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`lock table review_groups, routing_rules in exclusive mode`);
    const { id, data, result } = await change.apply(tx);
    const { moved, routed } = await reapplyRouting(tx);
    await auditInsert(tx, {
      actorId,
      actorType: "user",
      action: change.action,
      entityType: change.entityType,
      entityId: id,
      data: { ...data, movedActions: moved, reroutedActions: routed },
    });
    return { result, moved };
  });
}
