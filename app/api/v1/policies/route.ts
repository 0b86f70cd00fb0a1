import { getDb } from "@/db";
import { getPublishedPolicyRow, listPolicyVersions } from "@/db/queries/policies";
import { withScope } from "@/lib/auth/route";

export const dynamic = "force-dynamic";

/** The policy versions and the published one's rules (admins). */
export const GET = withScope("policies:write", async () => {
  const db = await getDb();
  const [published, versions] = await Promise.all([getPublishedPolicyRow(db), listPolicyVersions(db)]);
  return Response.json({ published, versions });
});
