import type { FiredRule } from "@/lib/guardrails/evaluate";
import { amountsInText, datesInText, orderNumbersInText } from "./facts";
import type { BlockedProposal, Proposal, Retrieved } from "./types";

export const CHECKS = [
  "citations_present",
  "citations_valid",
  "facts_grounded",
  "no_blocked_topic",
  "required_escalations",
] as const;
export type CheckName = (typeof CHECKS)[number];

export interface CheckResult {
  check: CheckName;
  passed: boolean;
  detail: string;
}

export interface VerifyInput {
  proposals: Proposal[];
  blocked: BlockedProposal[];
  retrieved: Retrieved;
  requiredEscalations: FiredRule[];
  citationsRequired: boolean;
  /** Facts the ticket itself states (its date, amounts the customer wrote), which a reply may repeat. */
  ticketDates?: string[];
  ticketAmounts?: number[];
}

/** Promising what only a person may do: moving money, deleting data. */
const PROMISE =
  /\b(refund(ed)? (has|have) been (issued|processed|approved|sent)|we('ve| have) (refunded|issued (you )?a refund|deleted|erased|closed)|(your )?(account|data|information) (has|have) been (deleted|erased|closed|removed)|i('ve| have) (refunded|deleted|erased))\b/i;

function knownAmounts(retrieved: Retrieved, proposals: Proposal[]): Set<number> {
  const amounts = new Set<number>();
  for (const o of retrieved.orders.values()) {
    amounts.add(o.totalCents);
    for (const p of o.itemPricesCents) amounts.add(p);
  }
  for (const a of retrieved.articles.values()) for (const c of amountsInText(a.body)) amounts.add(c);
  for (const p of proposals) if (p.kind === "refund") amounts.add(p.payload.amountCents);
  return amounts;
}

/**
 * Verification in code: every check runs on every run and each result is
 * stored. The model's own judgement is never the last word.
 */
export function verify(input: VerifyInput): CheckResult[] {
  const replies = input.proposals.filter((p) => p.kind === "reply");
  const escalations = input.proposals.filter((p) => p.kind === "escalation");
  const results: CheckResult[] = [];

  const uncited = replies.filter((r) => r.payload.citations.length === 0);
  results.push({
    check: "citations_present",
    passed: !input.citationsRequired || uncited.length === 0,
    detail: !input.citationsRequired
      ? "The policy does not require citations."
      : uncited.length === 0
        ? `${replies.length} reply draft(s), each with citations.`
        : "A reply draft cites nothing, and the policy requires citations.",
  });

  const invalid: string[] = [];
  for (const reply of replies) {
    for (const c of reply.payload.citations) {
      if (c.type === "article" && !input.retrieved.articles.has(c.slug)) invalid.push(`article “${c.slug}”`);
      if (c.type === "order" && !input.retrieved.orders.has(c.number.toUpperCase()))
        invalid.push(`order ${c.number}`);
    }
  }
  results.push({
    check: "citations_valid",
    passed: invalid.length === 0,
    detail:
      invalid.length === 0
        ? "Every citation points at a record this run retrieved."
        : `Cited but never retrieved: ${invalid.join(", ")}.`,
  });

  const amounts = knownAmounts(input.retrieved, input.proposals);
  for (const c of input.ticketAmounts ?? []) amounts.add(c);
  const days = new Set([
    ...[...input.retrieved.orders.values()].map((o) => o.placedAt.slice(0, 10)),
    ...(input.ticketDates ?? []),
  ]);
  const ungrounded: string[] = [];
  for (const reply of replies) {
    const text = reply.payload.text;
    for (const n of orderNumbersInText(text))
      if (!input.retrieved.orders.has(n)) ungrounded.push(`order ${n}`);
    for (const c of amountsInText(text))
      if (!amounts.has(c)) ungrounded.push(`amount $${(c / 100).toFixed(2)}`);
    for (const d of datesInText(text)) if (!days.has(d)) ungrounded.push(`date ${d}`);
  }
  results.push({
    check: "facts_grounded",
    passed: ungrounded.length === 0,
    detail:
      ungrounded.length === 0
        ? "Order numbers, amounts and dates in the draft match what the tools returned."
        : `Not found in any tool result: ${ungrounded.join(", ")}.`,
  });

  const blockedTopics = input.blocked.length > 0 || input.requiredEscalations.length > 0;
  const promising = replies.find((r) => PROMISE.test(r.payload.text));
  results.push({
    check: "no_blocked_topic",
    passed: !promising,
    detail: promising
      ? `The draft promises something only a person may do: “${PROMISE.exec(promising.payload.text)?.[0]}”.`
      : blockedTopics
        ? "The draft promises nothing the policy reserves for a person."
        : "No blocked topic in this ticket.",
  });

  const mustEscalate = input.requiredEscalations.length > 0 || input.blocked.some((b) => b.kind === "refund");
  results.push({
    check: "required_escalations",
    passed: !mustEscalate || escalations.length > 0,
    detail: !mustEscalate
      ? "No escalation required."
      : escalations.length > 0
        ? `Escalated as required by ${[...input.requiredEscalations.map((r) => r.ruleName), ...input.blocked.map((b) => b.blockedBy)].join(", ")}.`
        : `The policy requires an escalation (${[...input.requiredEscalations.map((r) => r.ruleName), ...input.blocked.map((b) => b.blockedBy)].join(", ")}) and none was proposed.`,
  });
  return results;
}

export function failedChecks(results: CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.passed);
}
