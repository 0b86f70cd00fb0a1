import { exportRoute } from "@/lib/api/exports";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** Streams a feedback dataset: see lib/api/exports.ts. */
export const GET = appRoute(exportRoute);
