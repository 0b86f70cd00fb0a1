import { exportManifestRoute } from "@/lib/api/exports";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** The manifest of an export: see lib/api/exports.ts. */
export const GET = appRoute(exportManifestRoute);
