import { defineRoute, type Principal } from "@/lib/http/route";
import { loadMetricsReport, parseMetricsQuery } from "@/lib/metrics/report";

/**
 * GET /api/v1/metrics?from=&to=&groupBy=day|policy|model — the dashboard's
 * figures as JSON (lib/metrics/report.ts MetricsReport), for a signed-in user
 * or an API key with the `metrics:read` scope. from/to are ISO dates (UTC
 * days, `to` inclusive) or date-times (`to` exclusive); the default is the
 * last 30 days.
 */
export const metricsRoute = defineRoute<Principal>(
  { scope: "metrics:read", apiKeys: true },
  async ({ url, db }) => {
    const period = parseMetricsQuery(Object.fromEntries(url.searchParams));
    const report = await loadMetricsReport(db, period);
    return Response.json(report, { headers: { "cache-control": "no-store" } });
  },
);
