import { desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { policyVersions, users } from "../schema";

export async function getPublishedPolicyRow(db: Db) {
  const [row] = await db.select().from(policyVersions).where(eq(policyVersions.status, "published")).limit(1);
  return row ?? null;
}

export async function listPolicyVersions(db: Db) {
  return db
    .select({
      id: policyVersions.id,
      version: policyVersions.version,
      status: policyVersions.status,
      note: policyVersions.note,
      publishedAt: policyVersions.publishedAt,
      publishedBy: users.name,
    })
    .from(policyVersions)
    .leftJoin(users, eq(users.id, policyVersions.publishedBy))
    .orderBy(desc(policyVersions.version));
}
