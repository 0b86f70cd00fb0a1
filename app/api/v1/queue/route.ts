import { queueRoute } from "@/lib/api/queue";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** The review queue: undecided actions, oldest first, with counts per filter. */
export const GET = appRoute(queueRoute);
