"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { type ActionResult, actionError } from "@/lib/errors";
import { appQueue } from "@/lib/jobs/app-queue";
import { enqueueDeliveries, enqueueDrafts } from "@/lib/jobs/queue";
import { type ClaimResult, claimAction } from "@/lib/review/claims";
import { decideAction } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";

/** Opening an action claims it for the lease, so others see it is being reviewed. */
export async function claimActionAction(actionId: string): Promise<ActionResult<ClaimResult>> {
  try {
    const user = await requireScope("actions:review");
    const id = z.uuid().safeParse(actionId);
    if (!id.success) return { ok: false, error: "This action id is not valid." };
    const claim = await claimAction(await getDb(), id.data, user.id, env().REVIEW_LEASE_MINUTES * 60_000);
    return { ok: true, data: claim };
  } catch (error) {
    return actionError(error);
  }
}

const DONE: Record<string, string> = {
  approve: "Approved: the reply is in the outbox.",
  edit: "Your edited reply is approved and in the outbox.",
  escalate: "Escalated.",
  reject: "Rejected.",
};

/** Approve, edit, escalate or reject one action, with feedback. */
export async function decideActionAction(input: unknown): Promise<ActionResult<{ ticketStatus: string }>> {
  try {
    const user = await requireScope("actions:review");
    const parsed = decisionSchema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: parsed.error.issues[0]?.message ?? "Check the form.",
        fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
      };
    }
    const outcome = await decideAction(await getDb(), user, parsed.data);
    const boss = await appQueue();
    if (outcome.outboxId) await enqueueDeliveries(boss, [outcome.outboxId]);
    const guidance = parsed.data.decision === "reject" ? parsed.data.redraftGuidance : undefined;
    if (guidance) await enqueueDrafts(boss, [{ ticketId: outcome.ticketId, guidance, triggeredBy: user.id }]);
    revalidatePath(`/tickets/${outcome.ticketId}`);
    revalidatePath("/queue");
    const message = DONE[parsed.data.decision] ?? "Saved.";
    return {
      ok: true,
      data: { ticketStatus: outcome.ticketStatus },
      message: guidance ? `${message} The ticket went back to the agent with your guidance.` : message,
    };
  } catch (error) {
    return actionError(error);
  }
}
