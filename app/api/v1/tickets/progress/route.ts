import { ticketProgressRoute } from "@/lib/api/tickets";
import { appRoute } from "@/lib/http/app";

export const dynamic = "force-dynamic";

/** Drafting progress: tickets per status and jobs still queued. */
export const GET = appRoute(ticketProgressRoute);
