import type { UserPrincipal } from "@/lib/auth/guards";
import { AppError } from "@/lib/errors";
import { defineRoute, type RouteDeps } from "@/lib/http/route";
import { loadQueue, queueParamsSchema } from "@/lib/review/queue";

export interface QueueRouteDeps extends RouteDeps {
  slaMinutes: () => number;
}

/** GET /api/v1/queue: undecided actions, oldest first, with counts per filter. */
export const queueRoute = defineRoute<UserPrincipal, QueueRouteDeps>(
  { scope: "actions:review" },
  async ({ url, principal, db }, deps) => {
    const params = queueParamsSchema.safeParse(Object.fromEntries(url.searchParams));
    if (!params.success) {
      throw new AppError("bad_request:queue", params.error.issues[0]?.message ?? "Check the filters.");
    }
    return Response.json(await loadQueue(db, params.data, principal, { slaMinutes: deps.slaMinutes() }));
  },
);
