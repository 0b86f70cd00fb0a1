/**
 * What one reviewer of the review bench (scripts/bench/review-decisions.ts) does: presses Next,
 * opens the action, picks a decision for it and makes it as a person would when the policy refuses.
 */
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { AppError } from "@/lib/errors";
import { claimNextAction } from "@/lib/review/claims";
import { decideAction, type Reviewer } from "@/lib/review/decide";
import { type DecisionInput, decisionSchema } from "@/lib/review/schema";
import { queueScope } from "@/lib/routing/scope";

const LEASE_MS = 10 * 60_000;

/** Next as the app presses it: the reviewer's groups, then the claim. */
export const claimNext = async (db: Db, reviewer: Reviewer) =>
  claimNextAction(db, reviewer.id, LEASE_MS, [], await queueScope(db, { id: reviewer.id, role: "reviewer" }));

/** Opening the action: what the page loads before the reviewer decides. */
export async function openAction(db: Db, actionId: string) {
  const [action] = rowsOf<{ kind: string; version: number }>(
    await db.execute(sql`select kind, version from agent_actions where id = ${actionId}::uuid`),
  );
  return action;
}

/** The decision on a reviewer's `n`th action: mostly approvals, some edits, rejections and escalations. */
export function decisionFor(kind: string, version: number, actionId: string, n: number): DecisionInput {
  const base = { actionId, version, rating: 1 + (n % 5) };
  const roll = n % 20;
  if (kind === "refund") {
    return decisionSchema.parse(
      roll < 14
        ? { ...base, decision: "escalate", team: "billing", reason: "Refunds are for billing." }
        : { ...base, decision: "reject", reason: "No refund is due.", reasonTags: ["wrong_policy"] },
    );
  }
  if (roll < 14) return decisionSchema.parse({ ...base, decision: "approve" });
  if (roll < 16 && kind === "reply") {
    return decisionSchema.parse({
      ...base,
      decision: "edit",
      finalText: `Hello,\nThanks for your patience: this is reviewer ${n}'s edit.\nBest regards`,
      reasonTags: ["tone"],
    });
  }
  if (roll < 18) {
    return decisionSchema.parse({
      ...base,
      decision: "reject",
      reason: "Not accurate.",
      reasonTags: ["incomplete"],
    });
  }
  return decisionSchema.parse({ ...base, decision: "escalate", team: "support", reason: "Needs a person." });
}

/**
 * A decision as a reviewer makes it: when the policy refuses the escalation's team (it sends
 * this ticket elsewhere), the reviewer escalates to the team it names, or else rejects.
 */
export async function decideAs(db: Db, reviewer: Reviewer, input: DecisionInput): Promise<void> {
  let attempt = input;
  for (let tries = 0; ; tries++) {
    try {
      await decideAction(db, reviewer, attempt);
      return;
    } catch (error) {
      // Approving an escalation the policy now sends to another team is refused the same way.
      const refused =
        error instanceof AppError && error.type === "bad_request" && attempt.decision !== "reject";
      if (!refused || tries > 1) throw error;
      const team = /sends this ticket to (\w+)[ ,.]/.exec(error.message)?.[1];
      attempt = decisionSchema.parse(
        team && tries === 0 && attempt.decision === "escalate"
          ? { ...attempt, team }
          : {
              actionId: input.actionId,
              version: input.version,
              decision: "reject",
              reason: "Sent elsewhere.",
              reasonTags: ["wrong_policy"],
            },
      );
    }
  }
}
