import type { ActionKind, Decision } from "@/db/schema";
import type { Rule } from "../rules";

/** One recent review as the miners read it: the decision, its reasons and edit, and the ticket it was about. */
export interface MinedReview {
  reviewId: string;
  ticketId: string;
  externalId: string;
  subject: string;
  body: string;
  /** The helpdesk's own classification sent at ingest (`metadata.intent`): what escalate_intent rules read. */
  intent: string | null;
  /** Triage's probability of each risk category for the ticket (what escalate_category rules read). */
  riskScores: Record<string, number>;
  actionKind: ActionKind;
  decision: Decision;
  reasonTags: string[];
  /** An escalation's rules that forced it (its payload's ruleIds). */
  ruleIds: string[];
  /** The team the reviewer escalated to, when they did. */
  escalatedTo: string | null;
  originalText: string | null;
  finalText: string | null;
}

export interface Evidence {
  reviewId: string;
  ticketId: string;
  externalId: string;
  subject: string;
  /** What in this review led to the suggestion, in words. */
  detail: string;
}

export const SUGGESTION_KINDS = ["new_escalation_rule", "narrow_rule", "instruction_line"] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];

export type PolicyChange =
  | { type: "add_rule"; rule: Rule }
  | { type: "replace_rule"; before: Rule; after: Rule }
  | { type: "add_instruction"; line: string };

/** A concrete policy change mined from reviews, with the reviews that led to it. */
export interface Suggestion {
  /** Stable for the same evidence: the kind and what it is about (`intent:legal_threat`). */
  id: string;
  kind: SuggestionKind;
  title: string;
  rationale: string;
  change: PolicyChange;
  evidence: Evidence[];
  /** How many reviews support it (evidence lists the first MAX_EVIDENCE). */
  support: number;
}

/** The fewest reviews that make a pattern worth proposing. */
export const MIN_SUPPORT = 3;
export const MAX_EVIDENCE = 20;
