import { type Policy, type Rule, rulesSchema } from "./rules";

/** The rule a policy gets when its stored rules do not validate: escalate everything. */
export const FAIL_CLOSED_RULE: Rule = {
  id: "policy-invalid",
  type: "escalate_regex",
  pattern: "[\\s\\S]*",
  team: "support",
  name: "Policy could not be loaded",
  explanation:
    "The published policy's rules do not validate, so no guardrail can be trusted: every ticket goes to a person until an admin publishes a valid version.",
};

export interface StoredPolicy {
  id: string;
  version: number;
  instructions: string;
  rules: unknown;
}

/**
 * Validates stored rules on load. A malformed rule never switches a guardrail
 * off silently: the whole policy fails closed and escalates every ticket.
 */
export function loadPolicy(row: StoredPolicy): Policy & { failedClosed: boolean; loadError?: string } {
  const parsed = rulesSchema.safeParse(row.rules);
  if (parsed.success) {
    return {
      id: row.id,
      version: row.version,
      instructions: row.instructions,
      rules: parsed.data,
      failedClosed: false,
    };
  }
  const issue = parsed.error.issues[0];
  return {
    id: row.id,
    version: row.version,
    instructions: row.instructions,
    rules: [FAIL_CLOSED_RULE],
    failedClosed: true,
    loadError: `${issue?.path.length ? issue.path.join(".") : "rules"}: ${issue?.message ?? "invalid"}`,
  };
}
