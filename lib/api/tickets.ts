import { countTicketsByStatus } from "@/db/queries/tickets";
import type { UserPrincipal } from "@/lib/auth/guards";
import { defineRoute, type RouteDeps } from "@/lib/http/route";

export interface ProgressRouteDeps extends RouteDeps {
  /** Drafting jobs still queued. */
  queuedDrafts: () => Promise<number>;
}

/** GET /api/v1/tickets/progress: tickets per status and drafting jobs still queued. */
export const ticketProgressRoute = defineRoute<UserPrincipal, ProgressRouteDeps>(
  { scope: "tickets:read" },
  async ({ db }, deps) => {
    const [counts, queued] = await Promise.all([countTicketsByStatus(db), deps.queuedDrafts()]);
    return Response.json({ counts, queued });
  },
);
