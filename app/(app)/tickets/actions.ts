"use server";

import { eq } from "drizzle-orm";
import { getDatabase } from "@/db";
import { countTicketsByStatus } from "@/db/queries/tickets";
import { tickets } from "@/db/schema";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";
import { appQueue } from "@/lib/jobs/app-queue";
import { enqueueDrafts } from "@/lib/jobs/queue";

/** "Draft all new": queues a draft for every new ticket; the queue works them in the background. */
export async function draftAllNewAction(): Promise<ActionResult<{ queued: number }>> {
  try {
    const user = await requireScope("tickets:draft");
    const { db } = await getDatabase();
    const fresh = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.status, "new"));
    if (fresh.length === 0) {
      // The counts on screen may be older than this answer (drafts land in the background): say where they went.
      const drafting = (await countTicketsByStatus(db)).drafting ?? 0;
      return {
        ok: false,
        error: drafting
          ? `There are no new tickets to draft: ${drafting} ${drafting === 1 ? "is" : "are"} being drafted now.`
          : "There are no new tickets to draft.",
      };
    }
    const queued = await enqueueDrafts(
      await appQueue(),
      fresh.map((t) => ({ ticketId: t.id, triggeredBy: user.id })),
    );
    return {
      ok: true,
      data: { queued },
      message: `Queued ${queued} ticket${queued === 1 ? "" : "s"} for drafting.`,
    };
  } catch (error) {
    return actionError(error);
  }
}
