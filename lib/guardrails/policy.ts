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

/**
 * Everything a policy with invalid rules enforces. Besides escalating every
 * ticket, the gate itself refuses replies and refunds: with no guardrail to
 * trust, the only thing the agent may propose is handing the ticket to a person.
 */
export const FAIL_CLOSED_RULES: Rule[] = [
  FAIL_CLOSED_RULE,
  {
    id: "policy-invalid-reply",
    type: "block_action",
    action: "reply",
    name: "No replies while the policy is invalid",
    explanation:
      "The published policy's rules do not validate, so no reply can be checked against them. A person answers this ticket.",
  },
  {
    id: "policy-invalid-refund",
    type: "block_action",
    action: "refund",
    name: "No refunds while the policy is invalid",
    explanation:
      "The published policy's rules do not validate, so no refund limit can be trusted. The billing team decides.",
  },
];

export interface StoredPolicy {
  id: string;
  version: number;
  instructions: string;
  rules: unknown;
}

/** The first problem with stored rules, as "path: message", or null when they validate. */
export function rulesProblem(rules: unknown): string | null {
  const parsed = rulesSchema.safeParse(rules);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `${issue?.path.length ? issue.path.join(".") : "rules"}: ${issue?.message ?? "invalid"}`;
}

/**
 * Validates stored rules on load. A malformed rule never switches a guardrail
 * off silently: the whole policy fails closed, escalates every ticket, and
 * the gate refuses everything but an escalation.
 */
export function loadPolicy(row: StoredPolicy): LoadedPolicy {
  // Every run loads the published policy: the validated rules are kept by their stored form.
  const key = JSON.stringify([row.id, row.version, row.instructions, row.rules]);
  const known = loaded.get(key);
  if (known) return { ...known };
  const policy = validatePolicy(row);
  if (loaded.size >= LOADED_LIMIT) loaded.clear();
  loaded.set(key, policy);
  return { ...policy };
}

type LoadedPolicy = Policy & { failedClosed: boolean; loadError?: string };
const loaded = new Map<string, LoadedPolicy>();
const LOADED_LIMIT = 50;

function validatePolicy(row: StoredPolicy): LoadedPolicy {
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
  return {
    id: row.id,
    version: row.version,
    instructions: row.instructions,
    rules: FAIL_CLOSED_RULES,
    failedClosed: true,
    loadError: rulesProblem(row.rules) ?? "rules: invalid",
  };
}
