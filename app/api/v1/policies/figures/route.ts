import { policyFiguresRoute } from "@/lib/api/policies";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** Per-rule figures over all recorded runs: fired, blocks, forced escalations, reviewer overrides. */
export const GET = appRoute(policyFiguresRoute);
