import type { AgentShape } from "@/db/schema";
import { testPattern } from "./pattern";
import { type Rule, rulesSchema } from "./rules";

/** One problem with a draft, at a path the editor can point at ("rules.3.keywords", "instructions", ""). */
export interface DraftIssue {
  path: string;
  message: string;
}

export interface PolicyContent {
  rules: Rule[];
  instructions: string;
  /** The agent's shape; a version stored before shapes existed is the loop. */
  agentShape?: AgentShape;
}

const ESCALATING = new Set<Rule["type"]>([
  "escalate_keywords",
  "escalate_regex",
  "escalate_intent",
  "escalate_category",
  "escalate_customer",
  "escalate_amount",
]);

function label(rule: Rule): string {
  return `“${rule.name}”`;
}

/**
 * Rules that each validate but cannot all hold: a policy that demands an
 * escalation it also forbids, a rule that can never fire, a budget no run can
 * live within. Each issue points at the rule to change.
 */
export function contradictions(rules: Rule[]): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const at = (i: number, field: string, message: string) =>
    issues.push({ path: `rules.${i}.${field}`, message });
  const escalating = rules.find((r) => ESCALATING.has(r.type));
  const blocked = new Set(rules.flatMap((r) => (r.type === "block_tool" ? [r.tool] : [])));
  let budgetSeen = false;

  for (const [i, rule] of rules.entries()) {
    switch (rule.type) {
      case "block_tool":
        if (rule.tool === "escalate_to_human" && escalating)
          at(
            i,
            "tool",
            `This blocks escalate_to_human, but rule ${label(escalating)} requires escalations: the tickets it matches could never reach a person. Remove one of the two.`,
          );
        break;
      case "block_action":
        if (rule.action === "escalation" && escalating)
          at(
            i,
            "action",
            `This blocks escalations, but rule ${label(escalating)} requires them: the tickets it matches could never reach a person. Remove one of the two.`,
          );
        break;
      case "require_citations":
        if (blocked.has("search_knowledge_base") && blocked.has("lookup_orders"))
          at(
            i,
            "type",
            "Citations are required, but both tools that find something to cite (search_knowledge_base and lookup_orders) are blocked, so every reply would fail verification. Unblock one of them or drop this rule.",
          );
        break;
      case "budget":
        if (budgetSeen) at(i, "type", "Only the first budget rule applies. Merge the budgets into one rule.");
        budgetSeen = true;
        if (rule.maxSteps < 2)
          at(
            i,
            "maxSteps",
            "A run needs at least 2 steps (one to look things up, one to propose); with fewer, every run stops and escalates.",
          );
        break;
      case "escalate_regex":
        if (rule.unless !== undefined && rule.unless.trim() === rule.pattern.trim())
          at(i, "unless", "The exception is the same as the pattern, so this rule can never fire.");
        break;
      case "escalate_keywords":
        if (rule.unless !== undefined) {
          const except = rule.unless;
          if (rule.keywords.every((k) => testPattern(except, k)))
            at(
              i,
              "unless",
              "The exception matches every keyword, so this rule can never fire. Narrow the exception.",
            );
        }
        break;
    }
  }
  return issues;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** Same rules (in the same order, after defaults) and the same instructions. */
export function samePolicy(a: PolicyContent, b: PolicyContent): boolean {
  return (
    a.instructions.trim() === b.instructions.trim() &&
    (a.agentShape ?? "loop") === (b.agentShape ?? "loop") &&
    JSON.stringify(canonical(a.rules)) === JSON.stringify(canonical(b.rules))
  );
}

export type DraftCheck = { ok: true; rules: Rule[] } | { ok: false; issues: DraftIssue[] };

/**
 * Everything a draft must pass before it is saved or published: each rule
 * validates, the rules do not contradict each other, and something differs
 * from the published version.
 */
export function checkDraft(
  draft: { rules: unknown; instructions: string; agentShape?: AgentShape },
  published: { version: number; rules: unknown; instructions: string; agentShape?: AgentShape } | null,
): DraftCheck {
  const parsed = rulesSchema.safeParse(draft.rules);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({
        path: ["rules", ...issue.path].join("."),
        message: issue.message,
      })),
    };
  }
  const issues = contradictions(parsed.data);
  if (!draft.instructions.trim())
    issues.push({
      path: "instructions",
      message: "Write instructions for the planner: they cannot be empty.",
    });
  if (issues.length > 0) return { ok: false, issues };
  if (published) {
    const live = rulesSchema.safeParse(published.rules);
    const current = { rules: parsed.data, instructions: draft.instructions, agentShape: draft.agentShape };
    const before = {
      rules: live.success ? live.data : [],
      instructions: published.instructions,
      agentShape: published.agentShape,
    };
    if (live.success && samePolicy(current, before)) {
      return {
        ok: false,
        issues: [
          {
            path: "",
            message: `Nothing changed: this draft is the same as the published version ${published.version}. Change a rule, the instructions or the agent's shape, or discard the draft.`,
          },
        ],
      };
    }
  }
  return { ok: true, rules: parsed.data };
}
