import { decisionRoute } from "@/lib/api/decisions";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** A reviewer's decision on one action (session only, scope actions:review); 409 when someone decided first. */
export const POST = appRoute(decisionRoute);
