import { asc, eq, max } from "drizzle-orm";
import { reviewGroups, routingRules } from "@/db/schema";
import type { Transaction } from "@/lib/agent/recorder";
import { AppError } from "@/lib/errors";
import type { RoutingRuleInput } from "./schemas";

/** Creates a rule (last in the order) or updates one in place. */
export async function saveRule(tx: Transaction, input: RoutingRuleInput): Promise<string> {
  const [group] = await tx
    .select({ id: reviewGroups.id })
    .from(reviewGroups)
    .where(eq(reviewGroups.id, input.groupId));
  if (!group)
    throw new AppError("bad_request:routing", "The rule's group no longer exists; choose another group.");
  const values = { name: input.name, groupId: input.groupId, match: input.match, enabled: input.enabled };
  if (input.id) {
    const [updated] = await tx
      .update(routingRules)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(routingRules.id, input.id))
      .returning({ id: routingRules.id });
    if (!updated) throw new AppError("not_found:routing", "This rule no longer exists; reload the page.");
    return updated.id;
  }
  const [last] = await tx.select({ position: max(routingRules.position) }).from(routingRules);
  const [created] = await tx
    .insert(routingRules)
    .values({ ...values, position: (last?.position ?? 0) + 1 })
    .returning({ id: routingRules.id });
  return created?.id as string;
}

export async function deleteRule(tx: Transaction, id: string): Promise<{ name: string }> {
  const [deleted] = await tx
    .delete(routingRules)
    .where(eq(routingRules.id, id))
    .returning({ name: routingRules.name });
  if (!deleted) throw new AppError("not_found:routing", "This rule no longer exists; reload the page.");
  return deleted;
}

/** Swaps a rule with its neighbour; positions are renumbered 1..n so they stay dense. */
export async function moveRule(
  tx: Transaction,
  id: string,
  direction: "up" | "down",
): Promise<{ name: string }> {
  const rules = await tx
    .select({ id: routingRules.id, name: routingRules.name })
    .from(routingRules)
    .orderBy(asc(routingRules.position), asc(routingRules.id));
  const at = rules.findIndex((r) => r.id === id);
  const rule = rules[at];
  if (!rule) throw new AppError("not_found:routing", "This rule no longer exists; reload the page.");
  const to = direction === "up" ? at - 1 : at + 1;
  if (to < 0 || to >= rules.length)
    throw new AppError(
      "bad_request:routing",
      `This rule is already ${direction === "up" ? "first" : "last"}.`,
    );
  rules.splice(at, 1);
  rules.splice(to, 0, rule);
  await Promise.all(
    rules.map((r, i) =>
      tx
        .update(routingRules)
        .set({ position: i + 1 })
        .where(eq(routingRules.id, r.id)),
    ),
  );
  return { name: rule.name };
}
