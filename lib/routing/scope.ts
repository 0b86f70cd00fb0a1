import { and, eq, sql } from "drizzle-orm";
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
  // One read: every group, and whether the viewer is in it (each page load and each Next asks).
  const groups = await db
    .select({
      id: reviewGroups.id,
      isDefault: reviewGroups.isDefault,
      member: sql<boolean>`${reviewGroupMembers.userId} is not null`,
    })
    .from(reviewGroups)
    .leftJoin(
      reviewGroupMembers,
      and(eq(reviewGroupMembers.groupId, reviewGroups.id), eq(reviewGroupMembers.userId, viewer.id)),
    );
  if (groups.length === 0 || viewer.role === "admin") return null;
  const mine = groups.filter((g) => g.member);
  if (mine.length > 0) return { groupIds: mine.map((g) => g.id) };
  return { groupIds: groups.filter((g) => g.isDefault).map((g) => g.id) };
}
