import type { ReviewSource } from "@/db/schema";

/** A person deciding. */
export interface Reviewer {
  id: string;
  name: string;
}

/** The system deciding for an autopiloted category (lib/autopilot): the review is marked `auto`. */
export const AUTOPILOT: { system: "autopilot" } = { system: "autopilot" };
/**
 * The system escalating an action that waited past its group's hard limit (lib/routing/sla.ts):
 * the review is marked `system`; it may only escalate, sends nothing, and leaves a live claim alone.
 */
export const SLA_LIMIT: { system: "sla" } = { system: "sla" };
/** Who decides an action: a person or one of the system's two deciders. */
export type Decider = Reviewer | typeof AUTOPILOT | typeof SLA_LIMIT;

/** What the review row records as its source. */
export function sourceOf(decider: Decider): ReviewSource {
  if (!("system" in decider)) return "person";
  return decider.system === "autopilot" ? "auto" : "system";
}
