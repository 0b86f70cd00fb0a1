/**
 * A ticket's whole history as one ordered list: every agent run, what each
 * proposed, every human decision, every delivery and every audit entry. Pure:
 * the page reads the rows and this orders them.
 */

export interface TimelineRun {
  id: string;
  status: string;
  model: string;
  guidance: string | null;
  policyVersion: number | null;
  startedAt: Date;
}
export interface TimelineAction {
  id: string;
  runId: string;
  kind: string;
  status: string;
  text: string;
  blockedBy: string | null;
  createdAt: Date;
}
export interface TimelineReview {
  id: string;
  actionId: string;
  decision: string;
  /** "auto" when the autopilot decided (lib/autopilot). */
  source: string;
  reviewer: string | null;
  reason: string | null;
  reasonTags: string[];
  comment: string | null;
  rating: number | null;
  finalText: string | null;
  diff: string | null;
  createdAt: Date;
}
export interface TimelineDelivery {
  id: string;
  actionId: string;
  kind: string | null;
  status: string;
  sentAt: Date | null;
  releaseAt: Date;
  createdAt: Date;
}
export interface TimelineAudit {
  id: number;
  action: string;
  actor: string | null;
  actorType: string;
  createdAt: Date;
}

export type TimelineEvent = { key: string; at: Date } & (
  | { type: "run"; run: TimelineRun; runNumber: number }
  | { type: "proposal"; action: TimelineAction; runNumber: number }
  | { type: "decision"; review: TimelineReview; action: TimelineAction | undefined }
  | { type: "delivery"; delivery: TimelineDelivery }
  | { type: "audit"; entry: TimelineAudit }
);

const ORDER: Record<TimelineEvent["type"], number> = {
  run: 0,
  proposal: 1,
  decision: 2,
  delivery: 3,
  audit: 4,
};

export function buildTimeline(rows: {
  runs: TimelineRun[];
  actions: TimelineAction[];
  reviews: TimelineReview[];
  deliveries: TimelineDelivery[];
  audit: TimelineAudit[];
}): TimelineEvent[] {
  const runsOldestFirst = [...rows.runs].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const runNumber = new Map(runsOldestFirst.map((run, i) => [run.id, i + 1]));
  const actionById = new Map(rows.actions.map((a) => [a.id, a]));
  const events: TimelineEvent[] = [
    ...runsOldestFirst.map((run) => ({
      type: "run" as const,
      key: `run-${run.id}`,
      at: run.startedAt,
      run,
      runNumber: runNumber.get(run.id) ?? 0,
    })),
    ...rows.actions.map((action) => ({
      type: "proposal" as const,
      key: `proposal-${action.id}`,
      at: action.createdAt,
      action,
      runNumber: runNumber.get(action.runId) ?? 0,
    })),
    ...rows.reviews.map((review) => ({
      type: "decision" as const,
      key: `decision-${review.id}`,
      at: review.createdAt,
      review,
      action: actionById.get(review.actionId),
    })),
    ...rows.deliveries.map((delivery) => ({
      type: "delivery" as const,
      key: `delivery-${delivery.id}`,
      at: delivery.createdAt,
      delivery,
    })),
    ...rows.audit.map((entry) => ({
      type: "audit" as const,
      key: `audit-${entry.id}`,
      at: entry.createdAt,
      entry,
    })),
  ];
  return events.sort((a, b) => a.at.getTime() - b.at.getTime() || ORDER[a.type] - ORDER[b.type]);
}
