"use server";

import { eq } from "drizzle-orm";
import { getDatabase } from "@/db";
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
    if (fresh.length === 0) return { ok: false, error: "There are no new tickets to draft." };
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
