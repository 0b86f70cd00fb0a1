import { and, count, eq, ne } from "drizzle-orm";
import { reviewGroupMembers, reviewGroups, users } from "@/db/schema";
import type { Transaction } from "@/lib/agent/recorder";
import { AppError } from "@/lib/errors";
import type { ReviewGroupInput } from "./schemas";

/** Creates or updates a group with its members; the first group is the default whatever was asked. */
export async function saveGroup(tx: Transaction, input: ReviewGroupInput): Promise<string> {
  const [{ n: others } = { n: 0 }] = await tx
    .select({ n: count() })
    .from(reviewGroups)
    .where(input.id ? ne(reviewGroups.id, input.id) : undefined);
  const isDefault = input.isDefault || others === 0;
  if (input.id && !isDefault) {
    const [current] = await tx
      .select({ isDefault: reviewGroups.isDefault })
      .from(reviewGroups)
      .where(eq(reviewGroups.id, input.id));
    if (current?.isDefault)
      throw new AppError(
        "conflict:routing",
        "This is the default group: make another group the default first (actions no rule matches go there).",
      );
  }
  if (input.overflowGroupId) {
    const [overflow] = await tx
      .select({ id: reviewGroups.id })
      .from(reviewGroups)
      .where(eq(reviewGroups.id, input.overflowGroupId));
    if (!overflow)
      throw new AppError("bad_request:routing", "The overflow group no longer exists; reload the page.");
  }
  const [clash] = await tx
    .select({ id: reviewGroups.id })
    .from(reviewGroups)
    .where(and(eq(reviewGroups.name, input.name), input.id ? ne(reviewGroups.id, input.id) : undefined));
  if (clash)
    throw new AppError("conflict:routing", `A group is already called “${input.name}”: choose another name.`);
  if (isDefault)
    await tx.update(reviewGroups).set({ isDefault: false }).where(eq(reviewGroups.isDefault, true));

  const values = {
    name: input.name,
    description: input.description,
    slaMinutes: input.slaMinutes,
    hardLimitMinutes: input.hardLimitMinutes,
    overflowGroupId: input.overflowGroupId,
    isDefault,
    updatedAt: new Date(),
  };
  let id = input.id;
  if (id) {
    const [updated] = await tx
      .update(reviewGroups)
      .set(values)
      .where(eq(reviewGroups.id, id))
      .returning({ id: reviewGroups.id });
    if (!updated) throw new AppError("not_found:routing", "This group no longer exists; reload the page.");
    await tx.delete(reviewGroupMembers).where(eq(reviewGroupMembers.groupId, id));
  } else {
    const [created] = await tx.insert(reviewGroups).values(values).returning({ id: reviewGroups.id });
    id = created?.id as string;
  }
  if (input.members.length) {
    const known = await tx.select({ id: users.id }).from(users);
    const ids = new Set(known.map((u) => u.id));
    if (input.members.some((m) => !ids.has(m.userId)))
      throw new AppError("bad_request:routing", "A member is no longer a user; reload the page.");
    await tx
      .insert(reviewGroupMembers)
      .values(input.members.map((m) => ({ groupId: id as string, userId: m.userId, isLead: m.isLead })));
  }
  return id;
}

/** Deletes a group (its rules go with it). The default goes last: it catches what no rule matches. */
export async function deleteGroup(tx: Transaction, id: string): Promise<{ name: string }> {
  const groups = await tx
    .select({ id: reviewGroups.id, name: reviewGroups.name, isDefault: reviewGroups.isDefault })
    .from(reviewGroups);
  const group = groups.find((g) => g.id === id);
  if (!group) throw new AppError("not_found:routing", "This group no longer exists; reload the page.");
  if (group.isDefault && groups.length > 1)
    throw new AppError(
      "conflict:routing",
      "This is the default group: make another group the default before deleting it.",
    );
  await tx.delete(reviewGroups).where(eq(reviewGroups.id, id));
  return { name: group.name };
}
