import { blockedCheck } from "@/lib/agent/chain";
import { TEAMS } from "@/lib/guardrails/rules";
import { normalisedEditDistance } from "@/lib/review/edit-distance";
import type { ReasonTag } from "@/lib/review/schema";
import { contentWords, replySimilarity, SAME_REPLY_THRESHOLD } from "./similarity";

/**
 * Bitext (and handwritten) intents whose tickets must end with a person, whatever the agent drafts:
 * money back, payment trouble, account deletion, a request for a human, and legal threats.
 */
export const MUST_ESCALATE_INTENTS: ReadonlySet<string> = new Set([
  "get_refund",
  "payment_issue",
  "delete_account",
  "contact_human_agent",
  "legal_threat",
]);

const GROUNDING_CHECKS = new Set(["facts_grounded", "citations_valid"]);

export interface DemoActionFacts {
  kind: "reply" | "escalation" | "refund";
  status: "pending_review" | "blocked";
  blockedBy: string | null;
  /** The reply text, or the escalation's team. */
  text: string | null;
  team: string | null;
}

export interface DemoTicketFacts {
  /** The Bitext (or handwritten) intent label. */
  intent: string | null;
  /** Bitext's own reply (the dataset's `response` column), when there is one. */
  referenceReply: string | null;
}

export interface DemoRunFacts {
  /** A facts_grounded or citations_valid verification step failed somewhere in the run. */
  groundingFailed: boolean;
  /** The run also proposed an escalation (so a blocked refund is covered by it). */
  hasEscalation: boolean;
}

type Team = (typeof TEAMS)[number];
type Feedback = { rating?: number; reasonTags: ReasonTag[] };
export type DemoDecision =
  | ({ decision: "approve" } & Feedback)
  | ({ decision: "edit"; finalText: string } & Feedback)
  | ({ decision: "escalate"; team: Team; reason: string } & Feedback)
  | ({ decision: "reject"; reason: string } & Feedback);

/**
 * The demo reviewer's decision on one proposed action, derived only from data
 * no one here wrote (Bitext's reference reply and intent label) and from what
 * the run recorded. The rules, in full:
 *
 * - reply draft, Bitext reply says the same (cosine >= SAME_REPLY_THRESHOLD): approve, rated 5
 *   (similarity >= 0.6) or 4;
 * - reply draft, Bitext reply says something else: edit, the final text being Bitext's reply;
 *   rated 3 (edit distance < 0.5) or 2; tagged `incomplete` when Bitext's reply has 1.5x the
 *   content words, `hallucination` when the run failed grounding verification;
 * - reply draft on a ticket with no reference reply: reject (tagged `should_have_escalated`) when
 *   the intent must escalate, otherwise approve unrated (nothing to judge it against);
 * - reply set aside by verification (blocked): reject, rated 1, tagged `hallucination` for a
 *   grounding failure (`wrong_policy` for a promise only a person may make, `other` otherwise);
 * - escalation: approve (rated 5) when the intent must escalate or is unknown; otherwise reject it,
 *   rated 2 and tagged `should_not_have_escalated` (the intent label overrides the agent);
 * - refund blocked by policy: reject (rated 3) when the run's own escalation already covers it,
 *   otherwise escalate it to billing (rated 4).
 */
export function demoDecision(
  action: DemoActionFacts,
  ticket: DemoTicketFacts,
  run: DemoRunFacts,
): DemoDecision {
  const mustEscalate = ticket.intent !== null && MUST_ESCALATE_INTENTS.has(ticket.intent);
  const label = ticket.intent?.replaceAll("_", " ") ?? "unlabelled";

  if (action.kind === "reply") {
    if (action.status === "blocked") {
      const failed = blockedCheck(action.blockedBy);
      const check = failed ?? action.blockedBy ?? "verification";
      const tag: ReasonTag = GROUNDING_CHECKS.has(failed ?? "")
        ? "hallucination"
        : failed === "no_blocked_topic"
          ? "wrong_policy"
          : "other";
      return {
        decision: "reject",
        reason: `The draft failed verification (${check}).`,
        rating: 1,
        reasonTags: [tag],
      };
    }
    const draft = action.text ?? "";
    const reference = ticket.referenceReply?.trim() || null;
    if (!reference) {
      return mustEscalate
        ? {
            decision: "reject",
            reason: `A ${label} ticket needs a person, not a reply.`,
            rating: 1,
            reasonTags: ["should_have_escalated"],
          }
        : { decision: "approve", reasonTags: [] };
    }
    const similarity = replySimilarity(draft, reference);
    if (similarity >= SAME_REPLY_THRESHOLD) {
      return { decision: "approve", rating: similarity >= 0.6 ? 5 : 4, reasonTags: [] };
    }
    const tags: ReasonTag[] = [];
    if (contentWords(reference).length >= 1.5 * contentWords(draft).length) tags.push("incomplete");
    if (run.groundingFailed) tags.push("hallucination");
    return {
      decision: "edit",
      finalText: reference,
      rating: normalisedEditDistance(draft, reference) < 0.5 ? 3 : 2,
      reasonTags: tags,
    };
  }

  if (action.kind === "escalation") {
    if (action.status === "blocked") {
      return {
        decision: "escalate",
        team: asTeam(action.team),
        reason: "The policy blocked the escalation tool; a person takes it.",
        rating: 3,
        reasonTags: [],
      };
    }
    if (mustEscalate || ticket.intent === null) return { decision: "approve", rating: 5, reasonTags: [] };
    return {
      decision: "reject",
      reason: `Labelled ${label}: the agent can answer this without a person.`,
      rating: 2,
      reasonTags: ["should_not_have_escalated"],
    };
  }

  // Refunds are always blocked (no-payments): a person on the billing team decides on money.
  if (run.hasEscalation) {
    return {
      decision: "reject",
      reason: "Countersign never moves money; the escalation to billing covers this refund.",
      rating: 3,
      reasonTags: [],
    };
  }
  return {
    decision: "escalate",
    team: "billing",
    reason: "Refund requests go to the billing team.",
    rating: 4,
    reasonTags: [],
  };
}

function asTeam(team: string | null): Team {
  return (TEAMS as readonly string[]).includes(team ?? "") ? (team as Team) : "support";
}

/**
 * Decisions on one ticket run rejections first: decideAction sets the ticket's status from the
 * last decision, so an approval or escalation decided last leaves it resolved or escalated.
 */
export function decisionOrder(d: DemoDecision): number {
  return d.decision === "reject" ? 0 : d.decision === "escalate" ? 1 : 2;
}
