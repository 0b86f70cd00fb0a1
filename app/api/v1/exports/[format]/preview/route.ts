import { exportPreviewRoute } from "@/lib/api/exports";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** The first records of an export: see lib/api/exports.ts. */
export const GET = appRoute(exportPreviewRoute);
