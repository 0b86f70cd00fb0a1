import { getDb } from "@/db";
import { withScope } from "@/lib/auth/route";
import { loadMetricsReport, parseMetricsQuery } from "@/lib/metrics/report";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/metrics?from=&to=&groupBy=day|policy|model — the dashboard's
 * figures as JSON (lib/metrics/report.ts MetricsReport), for a signed-in user
 * or an API key with the `metrics:read` scope (Authorization: Bearer <key>).
 * from/to are ISO dates (UTC days, `to` inclusive) or date-times (`to`
 * exclusive); the default is the last 30 days.
 */
export const GET = withScope(
  "metrics:read",
  async (request) => {
    const period = parseMetricsQuery(Object.fromEntries(new URL(request.url).searchParams));
    const report = await loadMetricsReport(await getDb(), period);
    return Response.json(report, { headers: { "cache-control": "no-store" } });
  },
  { apiKeys: true },
);
