import { budgetColumn } from "./chain";
import { LIMITS } from "./limits";
import type { StepRecorder } from "./recorder";
import type { BlockedProposal, EscalationPayload, Proposal } from "./types";

/**
 * The run invariants: checked in the loop at the end of every run, whatever
 * the model did. Each one that changes the outcome leaves a `guardrail` step
 * named `invariant:<name>` in the chain.
 */
export const INVARIANTS = {
  /** A budget (steps, tokens, wall time) ran out: one escalation naming it, nothing else pending. */
  budget: "invariant:budget-exhausted",
  /** Identical proposals are merged; at most one reply draft per run. */
  merged: "invariant:merged-proposals",
  /** No more proposals per run than the cap. */
  capped: "invariant:proposals-capped",
  /** Nothing a person can act on: the deterministic escalation says what went wrong. */
  actionable: "invariant:actionable-outcome",
} as const;
export type InvariantName = (typeof INVARIANTS)[keyof typeof INVARIANTS];

export type BudgetName = "steps" | "tokens" | "wall time";

export interface Exhausted {
  budget: BudgetName;
  limit: number;
  used: number;
}

export interface Outcome {
  proposals: Proposal[];
  blocked: BlockedProposal[];
}

export interface InvariantContext {
  recorder: StepRecorder;
  exhausted: Exhausted | null;
  /** The team a required escalation names, if any. */
  team: EscalationPayload["team"];
  ruleIds: string[];
  /** What the run saw, for the escalation's reason when nothing else is left. */
  notes: string[];
}

function keyOf(p: Proposal): string {
  return `${p.kind}:${JSON.stringify(p.payload)}`;
}

function describeBudget(e: Exhausted): string {
  const unit = e.budget === "wall time" ? " ms" : e.budget === "tokens" ? " tokens" : " steps";
  return `The ${e.budget} budget of ${e.limit}${unit} was exhausted (${e.used}${unit} used).`;
}

/** Applies every invariant to what the run proposed and returns what is stored. */
export async function enforceInvariants(outcome: Outcome, ctx: InvariantContext): Promise<Outcome> {
  let proposals = [...outcome.proposals];
  let blocked = [...outcome.blocked];

  if (ctx.exhausted) {
    const reason = `${describeBudget(ctx.exhausted)} The agent stopped; a person should handle this ticket.`;
    // What was proposed before the budget ran out stays visible, blocked, for the reviewer.
    blocked.push(
      ...proposals
        .filter((p) => p.kind !== "escalation")
        .map((p) => ({ ...p, blockedBy: INVARIANTS.budget, blockedReason: reason }) as BlockedProposal),
    );
    proposals = [
      { kind: "escalation", payload: { reason, team: ctx.team, urgency: "normal", ruleIds: ctx.ruleIds } },
    ];
    await ctx.recorder.record({
      kind: "guardrail",
      name: INVARIANTS.budget,
      budget: budgetColumn(ctx.exhausted.budget),
      output: {
        escalated: true,
        budget: ctx.exhausted.budget,
        limit: ctx.exhausted.limit,
        used: ctx.exhausted.used,
        reason,
      },
    });
  }

  const merged = mergeProposals(proposals, blocked);
  if (merged.dropped > 0) {
    await ctx.recorder.record({
      kind: "guardrail",
      name: INVARIANTS.merged,
      output: { merged: merged.dropped, kept: merged.proposals.length + merged.blocked.length },
    });
  }
  proposals = merged.proposals;
  blocked = merged.blocked;

  const total = proposals.length + blocked.length;
  if (total > LIMITS.proposalsPerRun) {
    proposals = proposals.slice(0, LIMITS.proposalsPerRun);
    blocked = blocked.slice(0, Math.max(0, LIMITS.proposalsPerRun - proposals.length));
    await ctx.recorder.record({
      kind: "guardrail",
      name: INVARIANTS.capped,
      output: {
        truncated: true,
        proposed: total,
        kept: proposals.length + blocked.length,
        cap: LIMITS.proposalsPerRun,
      },
    });
  }

  if (proposals.length === 0) {
    const what = [
      "The agent proposed nothing a person can act on.",
      ...ctx.notes,
      blocked.length > 0 ? `Blocked: ${blocked.map((b) => `${b.kind} (${b.blockedBy})`).join(", ")}.` : "",
      "A person should handle this ticket.",
    ]
      .filter(Boolean)
      .join(" ")
      .slice(0, 2_000);
    proposals = [
      {
        kind: "escalation",
        payload: { reason: what, team: ctx.team, urgency: "normal", ruleIds: ctx.ruleIds },
      },
    ];
    await ctx.recorder.record({
      kind: "guardrail",
      name: INVARIANTS.actionable,
      output: { escalated: true, reason: what },
    });
  }
  return { proposals, blocked };
}

/**
 * Identical proposals become one; of several reply drafts only the last
 * reaches the queue (pending), and of the blocked ones only the last is kept.
 */
export function mergeProposals(
  proposals: Proposal[],
  blocked: BlockedProposal[],
): Outcome & { dropped: number } {
  const before = proposals.length + blocked.length;
  const seen = new Set<string>();
  const unique = <T extends Proposal>(list: T[]): T[] =>
    list.filter((p) => {
      const k = keyOf(p);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const lastReplyOnly = <T extends Proposal>(list: T[]): T[] => {
    const last = list.findLast((p) => p.kind === "reply");
    return list.filter((p) => p.kind !== "reply" || p === last);
  };
  const keptProposals = lastReplyOnly(unique(proposals));
  const keptBlocked = lastReplyOnly(unique(blocked));
  return {
    proposals: keptProposals,
    blocked: keptBlocked,
    dropped: before - keptProposals.length - keptBlocked.length,
  };
}
