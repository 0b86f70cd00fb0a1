import type { RiskCategory } from "@/lib/triage/labels";
import { findPattern, type PatternMatch } from "./pattern";
import type { Rule, ToolName } from "./rules";

export type EscalationRule = Extract<Rule, { team: string }>;

export interface FiredRule {
  ruleId: string;
  ruleName: string;
  explanation: string;
  team: string;
  /** What matched, for the reviewer: the keyword, the text, the amount. */
  matched: string;
}

export interface TicketFacts {
  text: string;
  customerTier?: string | null;
  /** The helpdesk's own classification, sent at ingest (never the evaluation label). */
  intent?: string | null;
  /** The triage model's probability of each risk category (escalate_category rules read it). */
  triage?: { categories: Record<RiskCategory, number> } | null;
}

// Thousands separators need at least one ",ddd" group; otherwise the first alternative would stop
// "$1500" after "150".
const MONEY = /(?:\$|USD\s?)\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?/gi;

/** Money amounts written in a text, in cents. */
export function amountsInText(text: string): number[] {
  return [...text.matchAll(MONEY)].map(
    (m) => Number((m[1] ?? "0").replaceAll(",", "")) * 100 + Number(m[2] ?? 0),
  );
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Keyword expressions, compiled once per keyword (policies name the same few keywords run after run). */
const keywordExpressions = new Map<string, RegExp>();
const KEYWORD_CACHE_LIMIT = 2_000;

function keywordExpression(keyword: string): RegExp {
  const known = keywordExpressions.get(keyword);
  if (known) return known;
  const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(keyword.toLowerCase())}($|[^\\p{L}\\p{N}])`, "iu");
  if (keywordExpressions.size >= KEYWORD_CACHE_LIMIT) keywordExpressions.clear();
  keywordExpressions.set(keyword, re);
  return re;
}

function keywordMatch(text: string, keywords: string[]): string | null {
  for (const keyword of keywords) {
    if (keywordExpression(keyword).test(text)) return keyword;
  }
  return null;
}

/**
 * A run checks its ticket's escalations before and after drafting (and again after a repair): the
 * text does not change in between, so each pattern runs on a ticket's facts once (RE2 in JavaScript
 * is the costly part of the check). Held by the facts object, so it goes with the run.
 */
const patternMatches = new WeakMap<TicketFacts, { text: string; found: Map<string, PatternMatch | null> }>();

function matchOnFacts(pattern: string, facts: TicketFacts): PatternMatch | null {
  let known = patternMatches.get(facts);
  if (known?.text !== facts.text) {
    known = { text: facts.text, found: new Map() };
    patternMatches.set(facts, known);
  }
  const cached = known.found.get(pattern);
  if (cached !== undefined) return cached;
  const match = findPattern(pattern, facts.text);
  known.found.set(pattern, match);
  return match;
}

function fired(rule: EscalationRule, matched: string): FiredRule {
  return { ruleId: rule.id, ruleName: rule.name, explanation: rule.explanation, team: rule.team, matched };
}

function excerpt(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 20);
  return `…${text.slice(start, index + length + 20).replace(/\s+/g, " ")}…`;
}

/** The escalation rules a ticket triggers, checked in code before and after drafting. */
export function ticketEscalations(
  rules: Rule[],
  facts: TicketFacts,
  proposedAmountsCents: number[] = [],
): FiredRule[] {
  const out: FiredRule[] = [];
  for (const rule of rules) {
    if ("unless" in rule && rule.unless && matchOnFacts(rule.unless, facts) !== null) continue;
    switch (rule.type) {
      case "escalate_keywords": {
        const hit = keywordMatch(facts.text, rule.keywords);
        if (hit) out.push(fired(rule, hit));
        break;
      }
      case "escalate_regex": {
        const match = matchOnFacts(rule.pattern, facts);
        if (match) out.push(fired(rule, excerpt(facts.text, match.index, match.text.length)));
        break;
      }
      case "escalate_intent":
        if (facts.intent && rule.intents.includes(facts.intent)) out.push(fired(rule, facts.intent));
        break;
      case "escalate_category": {
        const p = facts.triage?.categories[rule.category];
        if (p !== undefined && p >= rule.minConfidence)
          out.push(
            fired(rule, `triage: ${rule.category} (confidence ${p.toFixed(2)} ≥ ${rule.minConfidence})`),
          );
        break;
      }
      case "escalate_customer":
        if (facts.customerTier && rule.values.includes(facts.customerTier))
          out.push(fired(rule, `tier ${facts.customerTier}`));
        break;
      case "escalate_amount": {
        const over = [...amountsInText(facts.text), ...proposedAmountsCents].find((c) => c > rule.overCents);
        if (over !== undefined) out.push(fired(rule, `$${(over / 100).toFixed(2)}`));
        break;
      }
    }
  }
  return out;
}

export interface GateState {
  steps: number;
  tokens: number;
}

export type GateDecision =
  | { allowed: true }
  | { allowed: false; ruleId: string; ruleName: string; explanation: string; reason: string };

const ACTION_OF_TOOL: Partial<Record<ToolName, "reply" | "escalation" | "refund">> = {
  draft_reply: "reply",
  escalate_to_human: "escalation",
  issue_refund: "refund",
};

/** Decides, in code, whether one tool call may run under the policy. */
export function checkToolCall(rules: Rule[], tool: ToolName, input: unknown, state: GateState): GateDecision {
  const deny = (rule: Rule, reason: string): GateDecision => ({
    allowed: false,
    ruleId: rule.id,
    ruleName: rule.name,
    explanation: rule.explanation,
    reason,
  });
  for (const rule of rules) {
    if (rule.type === "block_tool" && rule.tool === tool) return deny(rule, `The tool ${tool} is blocked.`);
    if (rule.type === "block_action" && ACTION_OF_TOOL[tool] === rule.action) {
      return deny(rule, `Proposing a ${rule.action} is blocked.`);
    }
    if (rule.type === "budget" && tool !== "escalate_to_human") {
      if (state.steps > rule.maxSteps) return deny(rule, `Step budget of ${rule.maxSteps} exceeded.`);
      if (state.tokens > rule.maxTokens) return deny(rule, `Token budget of ${rule.maxTokens} exceeded.`);
    }
    if (rule.type === "max_refund" && tool === "issue_refund") {
      const amount = (input as { amountCents?: number }).amountCents ?? 0;
      if (amount > rule.maxCents) {
        return deny(
          rule,
          `A refund of $${(amount / 100).toFixed(2)} is over the $${(rule.maxCents / 100).toFixed(2)} limit.`,
        );
      }
    }
  }
  return { allowed: true };
}

export function requiresCitations(rules: Rule[]): Rule | undefined {
  return rules.find((r) => r.type === "require_citations");
}

export function budgetOf(rules: Rule[]): { maxSteps: number; maxTokens: number } {
  const budget = rules.find((r) => r.type === "budget");
  return budget?.type === "budget" ? budget : { maxSteps: 10, maxTokens: 50_000 };
}
