import { dryRunRoute } from "@/lib/api/policies";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** Replays the last `limit` (default 500) decided runs under the draft and reports what would change. */
export const POST = appRoute(dryRunRoute);
