import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { agentActions, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { QueueScope } from "@/lib/routing/scope";
import type { BatchDecisionInput } from "./batch-schema";
import { decideAction, type Reviewer } from "./decide";
import { decisionSchema } from "./schema";

/**
 * What became of one selected draft: decided; changed since the batch was opened (decided by
 * someone, or a newer version); or skipped for a reason the reviewer can act on.
 */
export type BatchItemOutcome =
  | {
      actionId: string;
      outcome: "decided";
      ticketId: string;
      outboxId: string | null;
      releaseAt: Date | null;
    }
  | { actionId: string; outcome: "changed" | "skipped" | "failed"; message: string };

export interface BatchDecisionResult {
  decision: BatchDecisionInput["decision"];
  items: BatchItemOutcome[];
  decided: number;
  changed: number;
  skipped: number;
  failed: number;
}

type Target = {
  kind: string;
  groupId: string | null;
  claimedBy: string | null;
  live: boolean;
  holder: string | null;
};

async function readTargets(db: Db, ids: string[], now: Date): Promise<Map<string, Target>> {
  const rows = await db
    .select({
      id: agentActions.id,
      kind: agentActions.kind,
      groupId: agentActions.groupId,
      claimedBy: agentActions.claimedBy,
      claimExpiresAt: agentActions.claimExpiresAt,
      holder: users.name,
    })
    .from(agentActions)
    .leftJoin(users, eq(users.id, agentActions.claimedBy))
    .where(inArray(agentActions.id, ids));
  return new Map(
    rows.map((r) => [
      r.id,
      { ...r, live: Boolean(r.claimedBy && r.claimExpiresAt && r.claimExpiresAt > now) },
    ]),
  );
}

/** Why a selected draft is not decided in the batch, or null when it may be. */
function refusal(target: Target | undefined, reviewerId: string, scope: QueueScope): string | null {
  if (!target) return "This draft does not exist any more.";
  if (target.kind !== "reply") return "Only reply drafts are decided in a batch: open it on its own.";
  if (scope && !(target.groupId && scope.groupIds.includes(target.groupId)))
    return "This draft is not in your review groups' queues.";
  if (target.live && target.claimedBy !== reviewerId)
    return `${target.holder ?? "Another reviewer"} is reviewing this draft.`;
  return null;
}

/**
 * Approves or rejects the selected drafts one by one through decideAction: each decision is its
 * own transaction (review, audit entry, outbox row, with the version check), exactly like a single
 * review, so a draft that changed since the batch was opened is skipped and the others still count.
 * Every committed decision is in the result, whatever happens to the ones after it.
 */
export async function decideBatch(
  db: Db,
  reviewer: Reviewer,
  scope: QueueScope,
  input: BatchDecisionInput,
  now = new Date(),
): Promise<BatchDecisionResult> {
  const unique = [...new Map(input.items.map((i) => [i.actionId, i])).values()];
  const targets = await readTargets(
    db,
    unique.map((i) => i.actionId),
    now,
  );
  const items: BatchItemOutcome[] = [];
  for (const { actionId, version } of unique) {
    const refused = refusal(targets.get(actionId), reviewer.id, scope);
    if (refused) {
      items.push({ actionId, outcome: "skipped", message: refused });
      continue;
    }
    const decision = decisionSchema.parse(
      input.decision === "reject"
        ? { decision: "reject", actionId, version, reason: input.reason }
        : { decision: "approve", actionId, version },
    );
    try {
      const done = await decideAction(db, reviewer, decision);
      items.push({
        actionId,
        outcome: "decided",
        ticketId: done.ticketId,
        outboxId: done.outboxId,
        releaseAt: done.releaseAt,
      });
    } catch (error) {
      items.push(outcomeOfError(actionId, error));
    }
  }
  const count = (outcome: BatchItemOutcome["outcome"]) => items.filter((i) => i.outcome === outcome).length;
  return {
    decision: input.decision,
    items,
    decided: count("decided"),
    changed: count("changed"),
    skipped: count("skipped"),
    failed: count("failed"),
  };
}

function outcomeOfError(actionId: string, error: unknown): BatchItemOutcome {
  if (error instanceof AppError) {
    if (error.type === "conflict") return { actionId, outcome: "changed", message: error.message };
    if (error.type === "bad_request" || error.type === "not_found")
      return { actionId, outcome: "skipped", message: error.message };
  }
  console.error("batch decision:", error instanceof Error ? error.message : error);
  return {
    actionId,
    outcome: "failed",
    message: "Something went wrong on our side: open this draft on its own.",
  };
}

/** "18 approved; 2 changed since you opened the batch — skipped", for the person who pressed the key. */
export function describeBatchResult(result: BatchDecisionResult): string {
  const verb = result.decision === "approve" ? "approved" : "rejected";
  const parts = [`${result.decided} ${verb}`];
  if (result.changed) parts.push(`${result.changed} changed since you opened the batch — skipped`);
  if (result.skipped) parts.push(`${result.skipped} skipped (open them on their own to see why)`);
  if (result.failed) parts.push(`${result.failed} could not be saved — try them again`);
  return parts.join("; ");
}
