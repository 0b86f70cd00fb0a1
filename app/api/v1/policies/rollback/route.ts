import { rollbackRoute } from "@/lib/api/policies";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** Publishes a copy of an earlier version as a new version. */
export const POST = appRoute(rollbackRoute);
