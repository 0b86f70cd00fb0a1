import { z } from "zod";

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

const common = {
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "Rule ids are 2-63 lower-case letters, digits and dashes."),
  name: z.string().trim().min(1, "Give the rule a name.").max(120),
  explanation: z.string().trim().min(1, "Explain the rule: reviewers see this text when it fires.").max(1000),
};

const team = z.enum(TEAMS).default("support");

/** Compiled with the flags evaluation uses ("iu"): a pattern valid only without "u" would throw later. */
function validRegex(pattern: string): boolean {
  try {
    new RegExp(pattern, "iu");
    return true;
  } catch {
    return false;
  }
}

/** An exception: the rule does not fire when the ticket also matches this expression. */
const unless = z
  .string()
  .min(1)
  .refine(validRegex, "The exception is not a valid regular expression.")
  .optional();

export const ruleSchema = z.discriminatedUnion("type", [
  z.object({ ...common, type: z.literal("block_tool"), tool: z.enum(TOOL_NAMES) }),
  z.object({ ...common, type: z.literal("block_action"), action: z.enum(["reply", "escalation", "refund"]) }),
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
    pattern: z
      .string()
      .min(1, "Enter a regular expression.")
      .refine(validRegex, "This is not a valid regular expression."),
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
    type: z.literal("escalate_customer"),
    attribute: z.enum(["tier"]),
    values: z.array(z.string().trim().min(1)).min(1, "Add at least one value."),
    team,
  }),
  z.object({
    ...common,
    type: z.literal("escalate_amount"),
    overCents: z.number().int().nonnegative(),
    team,
  }),
  z.object({ ...common, type: z.literal("max_refund"), maxCents: z.number().int().nonnegative() }),
  z.object({ ...common, type: z.literal("require_citations") }),
  z.object({
    ...common,
    type: z.literal("budget"),
    maxSteps: z.number().int().min(1).max(50),
    maxTokens: z.number().int().min(100).max(1_000_000),
  }),
]);

export type Rule = z.infer<typeof ruleSchema>;
export type RuleType = Rule["type"];

export const rulesSchema = z.array(ruleSchema).superRefine((rules, ctx) => {
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
