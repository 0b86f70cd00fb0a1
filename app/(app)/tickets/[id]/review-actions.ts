"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { type ActionResult, AppError, actionError } from "@/lib/errors";
import { appQueue } from "@/lib/jobs/app-queue";
import { enqueueDeliveries, enqueueDrafts } from "@/lib/jobs/queue";
import { type ClaimResult, claimAction, releaseClaim } from "@/lib/review/claims";
import { decideAction } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { undoDecision } from "@/lib/review/undo";

const actionIdSchema = z.uuid("This action id is not valid: reload the page.");

/** "Start review": claims the action for the lease, so others see it is being reviewed. */
export async function startReviewAction(actionId: string): Promise<ActionResult<ClaimResult>> {
  try {
    const user = await requireScope("actions:review");
    const id = actionIdSchema.safeParse(actionId);
    if (!id.success)
      return { ok: false, error: id.error.issues[0]?.message ?? "This action id is not valid." };
    const claim = await claimAction(await getDb(), id.data, user.id, env().REVIEW_LEASE_MINUTES * 60_000);
    revalidatePath("/queue");
    return { ok: true, data: claim };
  } catch (error) {
    return actionError(error);
  }
}

/** "Release": gives the caller's claim back, so the action is free for anyone's Next. */
export async function releaseReviewAction(actionId: string): Promise<ActionResult<{ released: boolean }>> {
  try {
    const user = await requireScope("actions:review");
    const id = actionIdSchema.safeParse(actionId);
    if (!id.success)
      return { ok: false, error: id.error.issues[0]?.message ?? "This action id is not valid." };
    const released = await releaseClaim(await getDb(), id.data, user.id);
    revalidatePath("/queue");
    return {
      ok: true,
      data: { released },
      message: released ? "Released: anyone can review it now." : "You no longer held this action.",
    };
  } catch (error) {
    return actionError(error);
  }
}

const DONE: Record<string, string> = {
  approve: "Approved: the message is in the outbox.",
  edit: "Your edited reply is approved and in the outbox.",
  escalate: "Escalated.",
  reject: "Rejected.",
};

/** Approve, edit, escalate or reject one action, with feedback. */
export async function decideActionAction(
  input: unknown,
): Promise<ActionResult<{ ticketStatus: string; reviewId: string; releaseAt: string | null }>> {
  try {
    const user = await requireScope("actions:review");
    const parsed = decisionSchema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: parsed.error.issues[0]?.message ?? "Check the form.",
        fieldErrors: fieldErrorsOf(parsed.error),
      };
    }
    const outcome = await decideAction(await getDb(), user, parsed.data);
    revalidatePath(`/tickets/${outcome.ticketId}`);
    revalidatePath("/queue");
    const guidance = parsed.data.decision === "reject" ? parsed.data.redraftGuidance : undefined;
    const done = DONE[parsed.data.decision] ?? "Saved.";
    const data = {
      ticketStatus: outcome.ticketStatus,
      reviewId: outcome.reviewId,
      releaseAt: outcome.releaseAt?.toISOString() ?? null,
    };
    // The decision is committed: from here on a failure must not read as if it were lost.
    try {
      const boss = await appQueue();
      if (outcome.outboxId)
        await enqueueDeliveries(boss, [outcome.outboxId], { startAfter: outcome.releaseAt ?? undefined });
      if (guidance)
        await enqueueDrafts(boss, [{ ticketId: outcome.ticketId, guidance, triggeredBy: user.id }]);
    } catch (error) {
      console.error("after a decision:", error instanceof Error ? error.message : error);
      return {
        ok: true,
        data,
        message: guidance
          ? `${done} Your decision is saved, but the redraft could not be queued: use Redraft on the ticket.`
          : `${done} Your decision is saved; the outbox sends it once the job queue is reachable again (it is swept every minute).`,
      };
    }
    return {
      ok: true,
      data,
      message: guidance ? `${done} The ticket went back to the agent with your guidance.` : done,
    };
  } catch (error) {
    // A refusal that names a field (an escalation's edited team) is shown next to that field.
    const fieldErrors = error instanceof AppError ? error.details?.fieldErrors : undefined;
    return fieldErrors
      ? { ...actionError(error), fieldErrors: fieldErrors as Record<string, string[]> }
      : actionError(error);
  }
}

/** Field errors keyed by the form's field names: an escalation's edited arguments by their own name. */
function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const path = issue.path[0] === "arguments" ? issue.path.slice(1) : issue.path;
    const key = String(path[0] ?? "form");
    out[key] = [...(out[key] ?? []), issue.message];
  }
  return out;
}

/** Takes back the caller's own decision while its message is still held in the outbox. */
export async function undoDecisionAction(reviewId: string): Promise<ActionResult<{ actionId: string }>> {
  try {
    const user = await requireScope("actions:review");
    const id = z.uuid().safeParse(reviewId);
    if (!id.success) return { ok: false, error: "This decision id is not valid: reload the page." };
    const outcome = await undoDecision(await getDb(), user, id.data);
    revalidatePath(`/tickets/${outcome.ticketId}`);
    revalidatePath("/queue");
    return {
      ok: true,
      data: { actionId: outcome.actionId },
      message: "Undone: nothing was sent, and the action is waiting for review again.",
    };
  } catch (error) {
    return actionError(error);
  }
}
