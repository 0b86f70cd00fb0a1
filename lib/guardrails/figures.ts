import type { Db } from "@/db";
import { type RuleFigureRow, ruleFigureRows } from "@/db/queries/policies";

/**
 * Per-rule figures over all recorded runs, keyed by rule id (so a rule keeps
 * its figures across versions as long as its id stays the same):
 * - fired: runs in which the rule fired: a guardrail step named after it (an
 *   escalation it required, a call it refused) or an action it blocked;
 * - blocks: actions it blocked (agent_actions.blocked_by);
 * - escalations forced: escalation actions that list it in payload.ruleIds;
 * - overrides: reviews that went against it. A forced escalation is overridden
 *   when the reviewer rejected it or tagged it "should not have escalated".
 *   A blocked action cannot be approved, so escalating or rejecting it upholds
 *   the block; it is overridden only when the review is tagged "wrong policy"
 *   or "should not have escalated".
 */
export interface RuleFigures extends RuleFigureRow {
  reviewed: number;
  overrides: number;
  /** overrides / reviewed, or null when nothing it did was reviewed. */
  overrideRate: number | null;
}

export function toRuleFigures(rows: RuleFigureRow[]): Map<string, RuleFigures> {
  return new Map(
    rows.map((r) => {
      const reviewed = r.blocksReviewed + r.escalationsReviewed;
      const overrides = r.blockOverrides + r.escalationOverrides;
      return [r.ruleId, { ...r, reviewed, overrides, overrideRate: reviewed ? overrides / reviewed : null }];
    }),
  );
}

export async function loadRuleFigures(db: Db): Promise<Map<string, RuleFigures>> {
  return toRuleFigures(await ruleFigureRows(db));
}

export const NO_FIGURES: RuleFigures = {
  ruleId: "",
  firedRuns: 0,
  blocks: 0,
  blocksReviewed: 0,
  blockOverrides: 0,
  escalations: 0,
  escalationsReviewed: 0,
  escalationOverrides: 0,
  reviewed: 0,
  overrides: 0,
  overrideRate: null,
};
