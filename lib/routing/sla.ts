import type { Db } from "@/db";
import { escalatePastHardLimit } from "./sla-limit";
import { moveOverdueActions } from "./sla-move";

/** How many actions one sweep moves, and how many it escalates, at most: the rest wait for the next. */
export const SLA_SWEEP_LIMIT = 500;

export interface SlaSweep {
  /** Moved to their group's overflow group. */
  moved: number;
  /** Past the target in a group with no overflow group: flagged where they are. */
  flagged: number;
  /** Escalated to a person by the system, past the hard limit. */
  escalated: number;
}

/**
 * One SLA sweep over every review group (run every minute by the job system, lib/jobs/sla-sweeps.ts):
 * first the actions past a hard limit are escalated to a person (so they are not moved needlessly),
 * then those past the SLA target are moved to the overflow group or flagged. Idempotent and safe to
 * run in two workers at once.
 */
export async function sweepSla(db: Db, limit = SLA_SWEEP_LIMIT): Promise<SlaSweep> {
  const escalated = await escalatePastHardLimit(db, limit);
  const moves = await moveOverdueActions(db, limit);
  const flagged = moves.filter((m) => m.toGroupId === null).length;
  return { moved: moves.length - flagged, flagged, escalated: escalated.length };
}
