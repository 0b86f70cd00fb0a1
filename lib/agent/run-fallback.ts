import type { Attempt } from "./run-attempt";

/** The escalation that ends a run when every model failed: it says what went wrong. */
export function deterministicFallback(
  primary: string,
  primaryError: string,
  fallback?: string,
  fallbackError?: string,
): Attempt {
  const reason = fallback
    ? `The agent could not draft this ticket: ${primary} failed (${primaryError}), then the fallback ${fallback} failed (${fallbackError}). A person should handle it.`
    : `The agent could not draft this ticket: ${primary} failed (${primaryError}). A person should handle it.`;
  return {
    modelId: fallback ?? primary,
    proposals: [
      {
        kind: "escalation",
        payload: { reason: reason.slice(0, 2_000), team: "support", urgency: "normal", ruleIds: [] },
      },
    ],
    blocked: [],
    exhausted: null,
    notes: [],
  };
}
