import { createHash } from "node:crypto";
import type { ActionKind } from "@/db/schema";
import type { AutopilotSettings } from "@/lib/guardrails/settings";
import { INTENT_CATEGORY, OUT_OF_SCOPE, RISK_CATEGORIES } from "@/lib/triage/labels";
import { wilsonLowerBound } from "./wilson";

/** A category: the triage intent of the ticket times the kind of action proposed. */
export interface CategoryKey {
  intent: string;
  actionKind: ActionKind;
}

/** Reviews by people in a category (auto-approvals are never evidence). */
export interface Evidence {
  reviewed: number;
  approvedAsIs: number;
}

/** Why a category cannot be promoted. */
export const BLOCKERS = [
  "risk",
  "escalation",
  "refund",
  "no_intent",
  "too_few_reviews",
  "below_threshold",
] as const;
export type Blocker = (typeof BLOCKERS)[number];

export const BLOCKER_LABELS: Record<Blocker, string> = {
  risk: "Risk category",
  escalation: "Escalations stay with people",
  refund: "Refunds are never approved",
  no_intent: "No shop intent",
  too_few_reviews: "Too few reviews",
  below_threshold: "Lower bound below threshold",
};

export function isRiskIntent(intent: string): boolean {
  const category = INTENT_CATEGORY[intent];
  return category !== undefined && (RISK_CATEGORIES as readonly string[]).includes(category);
}

/** What keeps a category from autopilot whatever its figures: risk, escalations, money, no intent. */
export function structuralBlockers(key: CategoryKey): Blocker[] {
  const blockers: Blocker[] = [];
  if (key.intent === "" || key.intent === OUT_OF_SCOPE) blockers.push("no_intent");
  if (isRiskIntent(key.intent)) blockers.push("risk");
  if (key.actionKind === "escalation") blockers.push("escalation");
  if (key.actionKind === "refund") blockers.push("refund");
  return blockers;
}

export interface Eligibility {
  eligible: boolean;
  lowerBound: number;
  blockers: Blocker[];
}

/**
 * A category is eligible when the 95 % Wilson lower bound of its approve-as-is
 * rate reaches the threshold over at least `minReviews` reviews by people, and
 * nothing structural keeps it with people.
 */
export function eligibility(key: CategoryKey, evidence: Evidence, settings: AutopilotSettings): Eligibility {
  const lowerBound = wilsonLowerBound(evidence.approvedAsIs, evidence.reviewed);
  const blockers = structuralBlockers(key);
  if (evidence.reviewed < settings.minReviews) blockers.push("too_few_reviews");
  if (lowerBound < settings.threshold) blockers.push("below_threshold");
  return { eligible: blockers.length === 0, lowerBound, blockers };
}

/**
 * An autopiloted category is demoted as soon as the lower bound of the
 * approve-as-is rate of its reviews by people (the samples included) falls
 * below the threshold, or something structural now keeps it with people.
 */
export function shouldDemote(key: CategoryKey, evidence: Evidence, settings: AutopilotSettings): boolean {
  return (
    structuralBlockers(key).length > 0 ||
    wilsonLowerBound(evidence.approvedAsIs, evidence.reviewed) < settings.threshold
  );
}

/**
 * Whether an action of an autopiloted category goes to people anyway: a
 * deterministic draw from the action's id, so the same action always gets the
 * same answer and `sampleRate` of all actions are drawn.
 */
export function isSampled(actionId: string, sampleRate: number): boolean {
  const draw = createHash("sha256").update(`autopilot-sample:${actionId}`).digest().readUInt32BE(0);
  return draw / 0x1_0000_0000 < sampleRate;
}
