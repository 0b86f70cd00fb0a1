import { getDatabase } from "@/db";
import { readHealth } from "@/lib/jobs/health";

export const dynamic = "force-dynamic";

/**
 * Liveness and readiness: 200 once the database answers, 503 otherwise. Public by design,
 * so it carries no internal error text: the agent's configuration problems in the app's
 * own words, and the backlog figures an operator acts on (see lib/jobs/health.ts).
 */
export async function GET() {
  const report = await readHealth(getDatabase);
  return Response.json(report, { status: report.status === "ok" ? 200 : 503 });
}
