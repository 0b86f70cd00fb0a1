import { exportCountRoute } from "@/lib/api/exports";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** How many records an export would hold: see lib/api/exports.ts. */
export const GET = appRoute(exportCountRoute);
