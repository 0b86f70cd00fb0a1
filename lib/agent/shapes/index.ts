import type { Db } from "@/db";
import type { AgentShape } from "@/db/schema";
import type { GiveUp } from "../models/recovery";
import { type Attempt, attemptDraft } from "../run-attempt";
import { deterministicFallback } from "../run-fallback";
import type { ShapeInput } from "./runtime";
import { ScopeFailure } from "./scope";
import { runTeam } from "./team";
import { runWorkflow } from "./workflow";

export { AGENT_SHAPES, type AgentShape } from "@/db/schema";

/**
 * The one dispatch point of the agent's shape: how one attempt drafts with a
 * model, and the deterministic escalation when every model failed. The loop
 * is today's attempt; the workflow and the team run their stages or agents
 * with the same gate, verification and budget meter. A failing stage or
 * sub-agent is rethrown as the model error itself (so recovery classifies it
 * as in the loop), and the escalation names it.
 */
export function shapeDrafter(db: Db, shape: AgentShape, input: ShapeInput) {
  let failedScope: string | null = null;
  const attempt = async (modelId: string): Promise<Attempt> => {
    if (shape === "loop") return attemptDraft(db, { ...input, modelId });
    const fallback = modelId === input.routed ? null : modelId;
    try {
      return shape === "workflow"
        ? await runWorkflow(db, input, fallback)
        : await runTeam(db, input, fallback);
    } catch (error) {
      if (!(error instanceof ScopeFailure)) throw error;
      failedScope = error.scope;
      throw error.cause;
    }
  };
  const giveUp = (f: GiveUp): Attempt => {
    const result = deterministicFallback(f.primary, f.primaryError, f.fallback, f.fallbackError);
    if (!failedScope) return result;
    const what = shape === "workflow" ? `The workflow stage ${failedScope}` : `The ${failedScope} agent`;
    return {
      ...result,
      proposals: result.proposals.map((p) =>
        p.kind === "escalation"
          ? { ...p, payload: { ...p.payload, reason: `${what} failed. ${p.payload.reason}`.slice(0, 2_000) } }
          : p,
      ),
    };
  };
  return { attempt, giveUp };
}
