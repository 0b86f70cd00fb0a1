import type { ActionFacts } from "./route-action";

/** What a run knows about its ticket, the same for each of its actions. */
export interface RunRoutingFacts {
  category: string | null;
  intent: string | null;
  tier: string | null;
  /** Rules that fired in the run before its actions were proposed (guardrail steps). */
  firedRules: readonly string[];
}

/** A blocked reply set aside by verification is not a policy rule firing. */
const VERIFICATION_BLOCK = "verify:";

/** The facts routing reads for one of the run's actions. */
export function actionFacts(
  run: RunRoutingFacts,
  action: { kind: string; payload: Record<string, unknown>; blockedBy?: string | null },
): ActionFacts {
  const team =
    action.kind === "escalation" && typeof action.payload.team === "string" ? action.payload.team : null;
  const blockedBy =
    action.blockedBy && !action.blockedBy.startsWith(VERIFICATION_BLOCK) ? action.blockedBy : null;
  return {
    kind: action.kind,
    team,
    category: run.category,
    intent: run.intent,
    tier: run.tier,
    firedRules: blockedBy ? [...run.firedRules, blockedBy] : run.firedRules,
  };
}
