import { z } from "zod";
import { RISK_CATEGORIES } from "@/lib/triage/labels";
import { patternProblem } from "./pattern";

/**
 * Guardrail rules are data: stored as JSON on a policy version, validated by
 * these schemas on save and on load, and applied in code by the gate and by
 * verification. Every rule carries a name and an explanation that the review
 * screen shows when it fires.
 */
export const TOOL_NAMES = [
  "search_knowledge_base",
  "lookup_customer",
  "lookup_orders",
  "get_ticket_history",
  "draft_reply",
  "escalate_to_human",
  "issue_refund",
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const TEAMS = ["support", "billing", "legal", "privacy", "security"] as const;
/** The kinds of action a block_action rule can forbid (the agent's three proposals). */
export const BLOCKABLE_ACTIONS = ["reply", "escalation", "refund"] as const;
/** Values of the one customer attribute escalate_customer reads. */
export const CUSTOMER_TIERS = ["standard", "gold", "vip"] as const;

const common = {
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "Rule ids are 2-63 lower-case letters, digits and dashes."),
  name: z.string().trim().min(1, "Give the rule a name.").max(120, "Keep the name under 120 characters."),
  explanation: z
    .string()
    .trim()
    .min(1, "Explain the rule: reviewers see this text when it fires.")
    .max(1000, "Keep the explanation under 1,000 characters."),
};

const team = z.enum(TEAMS, `Choose a team: ${TEAMS.join(", ")}.`).default("support");

/** Money in whole cents (the editor takes dollars and converts). */
const cents = z
  .number({ error: "Enter an amount, like 50 or 49.99 dollars." })
  .int("Amounts are whole cents: use at most two decimals.")
  .nonnegative("Amounts cannot be negative.")
  .max(100_000_000, "Amounts above $1,000,000 are not supported.");

/** A pattern is accepted only if the engine the agent and the dry-run use can run it (see pattern.ts). */
function checkPattern(subject: string) {
  return (pattern: string, ctx: z.RefinementCtx<string>) => {
    const problem = patternProblem(pattern, subject);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };
}

/** An exception: the rule does not fire when the ticket also matches this expression. */
const unless = z.string().min(1).superRefine(checkPattern("The exception")).optional();

export const ruleSchema = z.discriminatedUnion("type", [
  z.object({
    ...common,
    type: z.literal("block_tool"),
    tool: z.enum(TOOL_NAMES, "Choose a tool from the list."),
  }),
  z.object({
    ...common,
    type: z.literal("block_action"),
    action: z.enum(BLOCKABLE_ACTIONS, "Choose an action kind: reply, escalation or refund."),
  }),
  z.object({
    ...common,
    type: z.literal("escalate_keywords"),
    keywords: z
      .array(z.string().trim().min(1, "Keywords cannot be empty."))
      .min(1, "Add at least one keyword."),
    unless,
    team,
  }),
  z.object({
    ...common,
    type: z.literal("escalate_regex"),
    pattern: z.string().min(1, "Enter a regular expression.").superRefine(checkPattern("The pattern")),
    unless,
    team,
  }),
  z.object({
    ...common,
    type: z.literal("escalate_intent"),
    intents: z.array(z.string().trim().min(1)).min(1, "Add at least one intent."),
    team,
  }),
  z.object({
    ...common,
    type: z.literal("escalate_category"),
    category: z.enum(RISK_CATEGORIES, `Choose a risk category: ${RISK_CATEGORIES.join(", ")}.`),
    minConfidence: z
      .number({ error: "Enter the minimum confidence as a number between 0.05 and 1, like 0.5." })
      .min(0.05, "The minimum confidence must be at least 0.05: below that every ticket would escalate.")
      .max(1, "The minimum confidence can be at most 1."),
    team,
  }),
  z.object({
    ...common,
    type: z.literal("escalate_customer"),
    attribute: z.enum(["tier"]),
    values: z.array(z.string().trim().min(1)).min(1, "Add at least one value."),
    team,
  }),
  z.object({ ...common, type: z.literal("escalate_amount"), overCents: cents, team }),
  z.object({ ...common, type: z.literal("max_refund"), maxCents: cents }),
  z.object({ ...common, type: z.literal("require_citations") }),
  z.object({
    ...common,
    type: z.literal("budget"),
    maxSteps: z
      .number({ error: "Enter the step budget as a whole number." })
      .int("Enter the step budget as a whole number.")
      .min(1, "The step budget must be at least 1.")
      .max(50, "The step budget can be at most 50 steps."),
    maxTokens: z
      .number({ error: "Enter the token budget as a whole number." })
      .int("Enter the token budget as a whole number.")
      .min(100, "The token budget must be at least 100 tokens.")
      .max(1_000_000, "The token budget can be at most 1,000,000 tokens."),
  }),
]);

export type Rule = z.infer<typeof ruleSchema>;
export type RuleType = Rule["type"];

/** What each rule type does, in the words the editor and the diff use. */
export const RULE_TYPE_LABELS: Record<RuleType, string> = {
  block_tool: "Block a tool",
  block_action: "Block an action kind",
  escalate_keywords: "Escalate on keywords",
  escalate_regex: "Escalate on a regular expression",
  escalate_intent: "Escalate on an intent",
  escalate_category: "Escalate on a triage risk category",
  escalate_customer: "Escalate on a customer attribute",
  escalate_amount: "Escalate on an amount over a limit",
  max_refund: "Maximum refund amount",
  require_citations: "Citations required",
  budget: "Step and token budget",
};
export const RULE_TYPES = Object.keys(RULE_TYPE_LABELS) as RuleType[];

export const MAX_RULES = 100;

export const rulesSchema = z
  .array(ruleSchema)
  .max(MAX_RULES, `A policy can have at most ${MAX_RULES} rules.`)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    for (const [i, rule] of rules.entries()) {
      if (seen.has(rule.id))
        ctx.addIssue({ code: "custom", path: [i, "id"], message: `Two rules share the id "${rule.id}".` });
      seen.add(rule.id);
    }
  });

export interface Policy {
  id: string;
  version: number;
  instructions: string;
  rules: Rule[];
}
