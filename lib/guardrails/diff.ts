import { diffWords } from "diff";
import type { AgentShape } from "@/db/schema";
import { RULE_TYPE_LABELS, type Rule } from "./rules";

/** One field of a rule that differs between two versions, in words a person reads. */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
  /** For list fields (keywords, intents, tiers): what was added and removed. */
  added?: string[];
  removed?: string[];
}

export interface RuleChange {
  id: string;
  name: string;
  fields: FieldChange[];
}

export interface TextPart {
  value: string;
  added: boolean;
  removed: boolean;
}

export interface PolicyDiff {
  added: Rule[];
  removed: Rule[];
  changed: RuleChange[];
  /** True when rules both versions have are in a different order (the first refusing rule is the one named). */
  reordered: boolean;
  unchanged: number;
  instructions: { changed: boolean; parts: TextPart[] };
  /** The agent's shape before and after, when it changes. */
  shape: { before: AgentShape; after: AgentShape } | null;
}

const FIELD_LABELS: Record<string, string> = {
  type: "type",
  name: "name",
  explanation: "explanation",
  tool: "tool",
  action: "action kind",
  keywords: "keywords",
  pattern: "pattern",
  unless: "exception",
  intents: "intents",
  category: "risk category",
  minConfidence: "minimum confidence",
  attribute: "customer attribute",
  values: "values",
  team: "team",
  overCents: "amount over",
  maxCents: "maximum refund",
  maxSteps: "step budget",
  maxTokens: "token budget",
};

function show(field: string, value: unknown): string {
  if (value === undefined || value === null || value === "") return "—";
  if (field === "type") return RULE_TYPE_LABELS[value as Rule["type"]] ?? String(value);
  if ((field === "overCents" || field === "maxCents") && typeof value === "number")
    return `$${(value / 100).toFixed(2)}`;
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

function fieldChanges(before: Rule, after: Rule): FieldChange[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => f !== "id");
  const out: FieldChange[] = [];
  for (const field of fields) {
    const x = a[field];
    const y = b[field];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const change: FieldChange = {
      field: FIELD_LABELS[field] ?? field,
      before: show(field, x),
      after: show(field, y),
    };
    if (Array.isArray(x) || Array.isArray(y)) {
      const xs = (Array.isArray(x) ? x : []).map(String);
      const ys = (Array.isArray(y) ? y : []).map(String);
      change.added = ys.filter((v) => !xs.includes(v));
      change.removed = xs.filter((v) => !ys.includes(v));
    }
    out.push(change);
  }
  return out;
}

/** What changed from one version to another: rules matched by id, and a word diff of the instructions. */
export function diffPolicies(
  before: { rules: Rule[]; instructions: string; agentShape?: AgentShape },
  after: { rules: Rule[]; instructions: string; agentShape?: AgentShape },
): PolicyDiff {
  const shapes = { before: before.agentShape ?? "loop", after: after.agentShape ?? "loop" };
  const old = new Map(before.rules.map((r) => [r.id, r]));
  const now = new Map(after.rules.map((r) => [r.id, r]));
  const changed: RuleChange[] = [];
  let unchanged = 0;
  for (const rule of after.rules) {
    const prior = old.get(rule.id);
    if (!prior) continue;
    const fields = fieldChanges(prior, rule);
    if (fields.length) changed.push({ id: rule.id, name: rule.name, fields });
    else unchanged++;
  }
  const keptBefore = before.rules.filter((r) => now.has(r.id)).map((r) => r.id);
  const keptAfter = after.rules.filter((r) => old.has(r.id)).map((r) => r.id);
  const parts = diffWords(before.instructions, after.instructions).map((p) => ({
    value: p.value,
    added: p.added,
    removed: p.removed,
  }));
  return {
    added: after.rules.filter((r) => !old.has(r.id)),
    removed: before.rules.filter((r) => !now.has(r.id)),
    changed,
    reordered: keptBefore.join("\n") !== keptAfter.join("\n"),
    unchanged,
    instructions: { changed: parts.some((p) => p.added || p.removed), parts },
    shape: shapes.before === shapes.after ? null : shapes,
  };
}
