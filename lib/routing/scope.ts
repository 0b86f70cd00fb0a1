import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import type { Role } from "@/db/schema";
import { reviewGroupMembers, reviewGroups } from "@/db/schema";

/**
 * Which review groups' queues a person works: `null` means every undecided action (routing is
 * off because no group exists, or the viewer is an admin); otherwise the ids of their groups,
 * or the default group for a reviewer in none. Queue views, Next and batch review all apply it.
 */
export type QueueScope = { groupIds: string[] } | null;

export async function queueScope(db: Db, viewer: { id: string; role: Role }): Promise<QueueScope> {
  const groups = await db
    .select({ id: reviewGroups.id, isDefault: reviewGroups.isDefault })
    .from(reviewGroups);
  if (groups.length === 0 || viewer.role === "admin") return null;
  const mine = await db
    .select({ groupId: reviewGroupMembers.groupId })
    .from(reviewGroupMembers)
    .where(eq(reviewGroupMembers.userId, viewer.id));
  if (mine.length > 0) return { groupIds: mine.map((m) => m.groupId) };
  return { groupIds: groups.filter((g) => g.isDefault).map((g) => g.id) };
}
