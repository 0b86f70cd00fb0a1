import { metricsRoute } from "@/lib/api/metrics";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** GET /api/v1/metrics: see lib/api/metrics.ts. */
export const GET = appRoute(metricsRoute);
