"use server";

import { getDatabase } from "@/db";
import { newTicketsWithCounts } from "@/db/queries/tickets";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";
import { appQueue } from "@/lib/jobs/app-queue";
import { enqueueDrafts } from "@/lib/jobs/queue";

export interface DraftAllAnswer {
  queued: number;
  /** Tickets per status in the same snapshot as the tickets queued: the filters beside the button show these. */
  counts: Record<string, number>;
}

/** "Draft all new": queues a draft for every new ticket; the queue works them in the background. */
export async function draftAllNewAction(): Promise<ActionResult<DraftAllAnswer>> {
  try {
    const user = await requireScope("tickets:draft");
    const { db } = await getDatabase();
    const { ids, counts } = await newTicketsWithCounts(db);
    if (ids.length === 0) {
      const drafting = counts.drafting ?? 0;
      return {
        ok: true,
        data: { queued: 0, counts },
        message: drafting
          ? `There are no new tickets to draft: ${drafting} ${drafting === 1 ? "is" : "are"} being drafted now.`
          : "There are no new tickets to draft.",
      };
    }
    const queued = await enqueueDrafts(
      await appQueue(),
      ids.map((ticketId) => ({ ticketId, triggeredBy: user.id })),
    );
    return {
      ok: true,
      data: { queued, counts },
      message: `Queued ${queued} ticket${queued === 1 ? "" : "s"} for drafting.`,
    };
  } catch (error) {
    return actionError(error);
  }
}
