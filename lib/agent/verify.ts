import { VERIFICATION_CHECKS, type VerificationCheck } from "@/db/schema";
import type { FiredRule } from "@/lib/guardrails/evaluate";
import { amountsInText, datesInText, orderNumbersInText } from "./facts";
import type { BlockedProposal, Proposal, Retrieved } from "./types";

/** The checks, in the order they run (the list lives with the `agent_steps.check_name` column). */
export const CHECKS = VERIFICATION_CHECKS;
export type CheckName = VerificationCheck;

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
  /** E-mail addresses of the ticket's own customer: the only contact data a draft may carry. */
  ownEmails?: string[];
  /** The planner instructions: no draft may reproduce a run of them. */
  instructions?: string;
  /** The customer's own text (subject and body): only as a visible "> " quotation in a draft. */
  customerText?: string;
}

/**
 * Commitments the policy reserves for a person, however phrased: refunds
 * granted, money returned, accounts deleted or closed, discounts or credits
 * promised. Quoted lines ("> ...") are the customer's words and are skipped.
 */
const PROMISES: RegExp[] = [
  /\b(we|i)\s*('ve|\s+have)\s+(already\s+)?(refunded|deleted|erased|removed|wiped|closed|cancelled|canceled)\b/i,
  /\brefund\w*\b[^.!?\n]{0,40}?\b(has|have|was|were|is now|are now|'s)\s+(been\s+)?(approved|granted|issued|processed|sent|completed|confirmed|initiated|paid)\b/i,
  /\brefund\w*\b[^.!?\n]{0,40}?\b(approved|granted)\b/i,
  /\b(we|i)\s*('ve|'ll|\s+have|\s+will|\s+are going to|\s+am going to)?\s*(already\s+)?(approved|granted|issued|processed|sent|refunded|reimbursed|credited|returned)\s+(you\s+|your\s+)?(a\s+|the\s+|full\s+|partial\s+)*(refund|money|payment|reimbursement|\$|€|£|usd|amount|credit)/i,
  /\b(we|i)\s*('ll|\s+will|\s+are going to|\s+am going to)\s+(refund|reimburse|credit|pay back|return)\b/i,
  /\byou('ll|\s+will)\s+(now\s+)?(get|receive|see)\s+(a\s+|your\s+|the\s+|full\s+)*(refund|money back|reimbursement|credit|discount)/i,
  /\b(money|payment|funds|amount|charge|purchase price)\b[^.!?\n]{0,40}?\b(has|have|was|were|will be|is being|is|are)\s+(been\s+)?(returned|refunded|sent back|credited|reversed|reimbursed|on (its|the) way back)\b/i,
  /\b(account|profile|personal data|data|information)\b[^.!?\n]{0,40}?\b(has|have|was|were|will be|is being|is now|are now|is|are)\s+(been\s+)?(permanently\s+)?(deleted|erased|closed|removed|terminated|deactivated|wiped)\b/i,
  /\b(we|i)\s*('ve|'ll|\s+have|\s+will)?\s*(already\s+)?(deleted|erased|closed|removed|terminated|deactivated|delete|erase|close|remove|terminate|deactivate)\s+(your|the)\s+(account|profile|data|information)/i,
  /\b(we|i)\s*('ve|'ll|\s+have|\s+will|\s+can|\s+are happy to|\s+would like to)?\s*(give|apply|add|issue|offer|grant|credit)\w*\s+(you\s+)?(a\s+|an\s+|your\s+)?[^.!?\n]{0,30}?\b(discount|store credit|credit|voucher|coupon|compensation)\b/i,
  /\b(discount|store credit|credit|voucher|coupon|compensation)\b[^.!?\n]{0,40}?\b(has|have|will be|is|was)\s+(been\s+)?(applied|added|issued|credited|granted|approved)\b/i,
];

/**
 * The first reserved commitment a text makes, outside quoted lines. Words a
 * knowledge-base article the run retrieved says itself (a refund policy
 * describing its stages) are the article's, not a promise.
 */
export function reservedCommitment(text: string, articleText = ""): string | null {
  const own = unquoted(text);
  const plain = (t: string) =>
    ` ${t
      .toLowerCase()
      .replace(/[^\p{L}\p{N}$%]+/gu, " ")
      .trim()} `;
  const source = plain(articleText);
  for (const re of PROMISES) {
    const global = new RegExp(re.source, "gi");
    for (const m of own.matchAll(global)) {
      if (!articleText || !source.includes(plain(m[0]))) return m[0];
    }
  }
  return null;
}

/** The draft without its "> " quotation lines. */
function unquoted(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith(">"))
    .join("\n");
}

function words(text: string): string[] {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}$%]+/u)
    .filter(Boolean);
}

/** The first run of `n` words of `source` that `text` reproduces, or null. */
export function sharedRun(source: string, text: string, n: number): string | null {
  const src = words(source);
  if (src.length < n) return null;
  const target = ` ${words(text).join(" ")} `;
  for (let i = 0; i + n <= src.length; i++) {
    const run = src.slice(i, i + n).join(" ");
    if (target.includes(` ${run} `)) return run;
  }
  return null;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"”)\]]+/gi;
/** Words in a row that make a reproduced run of instructions or customer text. */
const RUN_WORDS = 8;

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
  const articleText = [...input.retrieved.articles.values()].map((a) => a.body.toLowerCase()).join("\n");
  const ungrounded: string[] = [];
  for (const reply of replies) {
    const text = reply.payload.text;
    for (const n of orderNumbersInText(text))
      if (!input.retrieved.orders.has(n)) ungrounded.push(`order ${n}`);
    for (const c of amountsInText(text))
      if (!amounts.has(c)) ungrounded.push(`amount $${(c / 100).toFixed(2)}`);
    for (const d of datesInText(text)) if (!days.has(d)) ungrounded.push(`date ${d}`);
    for (const link of unquoted(text).match(LINK) ?? [])
      if (!articleText.includes(link.replace(/[.,;:!?]+$/, "").toLowerCase()))
        ungrounded.push(`link ${link}`);
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
  const promise = replies.map((r) => reservedCommitment(r.payload.text, articleText)).find(Boolean);
  results.push({
    check: "no_blocked_topic",
    passed: !promise,
    detail: promise
      ? `The draft promises something only a person may do: “${promise}”.`
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

  const own = new Set((input.ownEmails ?? []).map((e) => e.toLowerCase()));
  const foreign = replies.flatMap((r) =>
    (unquoted(r.payload.text).match(EMAIL) ?? []).filter(
      (e) => !own.has(e.toLowerCase()) && !articleText.includes(e.toLowerCase()),
    ),
  );
  results.push({
    check: "customer_scope",
    passed: foreign.length === 0,
    detail:
      foreign.length === 0
        ? "The draft carries no contact data of anyone but the ticket's customer."
        : `The draft carries contact data that is not the ticket's customer's: ${[...new Set(foreign)].join(", ")}.`,
  });

  const leaked = input.instructions
    ? replies.map((r) => sharedRun(input.instructions ?? "", r.payload.text, RUN_WORDS)).find(Boolean)
    : null;
  results.push({
    check: "no_instruction_leak",
    passed: !leaked,
    detail: leaked
      ? `The draft reproduces the planner instructions: “${leaked}”.`
      : "The draft reproduces no run of the planner instructions.",
  });

  const copied = input.customerText
    ? replies
        .map((r) => sharedRun(input.customerText ?? "", unquoted(r.payload.text), RUN_WORDS))
        .find(Boolean)
    : null;
  results.push({
    check: "customer_text_quoted",
    passed: !copied,
    detail: copied
      ? `The draft repeats the customer's words outside a "> " quotation: “${copied}”.`
      : "Customer text appears only as visible quotation, if at all.",
  });
  return results;
}

export function failedChecks(results: CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.passed);
}
