import { releaseClaimRoute } from "@/lib/api/claims";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** Releases the caller's claim on an action: see lib/api/claims.ts. */
export const POST = appRoute(releaseClaimRoute);
