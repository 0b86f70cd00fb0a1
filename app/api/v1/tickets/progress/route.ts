import { getDb } from "@/db";
import { countTicketsByStatus } from "@/db/queries/tickets";
import { withScope } from "@/lib/auth/route";
import { appQueue } from "@/lib/jobs/app-queue";
import { DRAFT_QUEUE } from "@/lib/jobs/queue";

export const dynamic = "force-dynamic";

/** Drafting progress: tickets per status and jobs still queued. */
export const GET = withScope("tickets:read", async () => {
  const [counts, queued] = await Promise.all([
    countTicketsByStatus(await getDb()),
    appQueue().then((boss) => boss.getQueueSize(DRAFT_QUEUE)),
  ]);
  return Response.json({ counts, queued });
});
