"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";
import { appQueue } from "@/lib/jobs/app-queue";
import { enqueueDeliveries } from "@/lib/jobs/queue";
import { type BatchItemOutcome, decideBatch, describeBatchResult } from "@/lib/review/batch-decide";
import { batchDecisionSchema } from "@/lib/review/batch-schema";
import { queueScope } from "@/lib/routing/scope";

export interface BatchDecisionView {
  decided: string[];
  /** The drafts not decided, each with why (changed since opened, skipped, failed). */
  notDecided: { actionId: string; outcome: string; message: string }[];
}

/** Approves or rejects the selected drafts of a batch, one decision (and transaction) per draft. */
export async function decideBatchAction(input: unknown): Promise<ActionResult<BatchDecisionView>> {
  try {
    const user = await requireScope("actions:review");
    const parsed = batchDecisionSchema.safeParse(input);
    if (!parsed.success)
      return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the selection." };
    const db = await getDb();
    const result = await decideBatch(db, user, await queueScope(db, user), parsed.data);
    revalidatePath("/queue");
    revalidatePath("/queue/batches");
    const decided = result.items.filter(
      (i): i is Extract<BatchItemOutcome, { outcome: "decided" }> => i.outcome === "decided",
    );
    const data: BatchDecisionView = {
      decided: decided.map((i) => i.actionId),
      notDecided: result.items.flatMap((i) => (i.outcome === "decided" ? [] : [i])),
    };
    const summary = describeBatchResult(result);
    // The decisions are committed: from here on a failure must not read as if they were lost.
    const outboxIds = decided.flatMap((i) => (i.outboxId ? [i.outboxId] : []));
    if (outboxIds.length > 0) {
      try {
        const latest = Math.max(...decided.map((i) => i.releaseAt?.getTime() ?? 0));
        await enqueueDeliveries(await appQueue(), outboxIds, {
          startAfter: latest > 0 ? new Date(latest) : undefined,
        });
      } catch (error) {
        console.error("after a batch decision:", error instanceof Error ? error.message : error);
        return {
          ok: true,
          data,
          message: `${summary}. Your decisions are saved; the outbox sends them once the job queue is reachable again (it is swept every minute).`,
        };
      }
    }
    return { ok: true, data, message: `${summary}.` };
  } catch (error) {
    return actionError(error);
  }
}
