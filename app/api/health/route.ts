import { sql } from "drizzle-orm";
import { getDatabase } from "@/db";
import { databaseKind, defaultModelId } from "@/lib/env";

export const dynamic = "force-dynamic";

/** Liveness and readiness: 200 once the database answers, 503 with the reason otherwise. Public by design. */
export async function GET() {
  const database = databaseKind();
  try {
    const { db } = await getDatabase();
    await db.execute(sql`select 1`);
    return Response.json({ status: "ok", database, model: defaultModelId() });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return Response.json(
      {
        status: "unavailable",
        database,
        model: defaultModelId(),
        reason: `The database is unreachable: ${reason}`,
      },
      { status: 503 },
    );
  }
}
