import type { RuleType } from "@/lib/guardrails/rules";

/**
 * A rule as the editor holds it: every field a string (or a list of tiers),
 * so half-typed input survives until the server validates it. Converted to a
 * rule object on save; the server's zod schemas have the last word.
 */
export interface RuleForm {
  /** React key, stable while the rule is edited and moved. */
  key: string;
  type: RuleType;
  id: string;
  name: string;
  explanation: string;
  tool: string;
  action: string;
  /** One keyword per line. */
  keywords: string;
  pattern: string;
  unless: string;
  /** One intent per line. */
  intents: string;
  tiers: string[];
  /** escalate_category: the risk category and the minimum confidence, as typed ("0.5"). */
  category: string;
  minConfidence: string;
  team: string;
  /** Dollars, as typed ("50", "49.99"). */
  amount: string;
  maxSteps: string;
  maxTokens: string;
}

let counter = 0;
const nextKey = () => `rule-${++counter}`;

const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const lines = (v: unknown) => (Array.isArray(v) ? v.map(str).join("\n") : str(v));
const dollars = (v: unknown) => (typeof v === "number" ? (v / 100).toFixed(2).replace(/\.00$/, "") : str(v));

export function emptyRuleForm(type: RuleType, index: number): RuleForm {
  return {
    key: nextKey(),
    type,
    id: `rule-${index + 1}`,
    name: "",
    explanation: "",
    tool: "issue_refund",
    action: "refund",
    keywords: "",
    pattern: "",
    unless: "",
    intents: "",
    tiers: [],
    category: "payments",
    minConfidence: "0.5",
    team: "support",
    amount: "",
    maxSteps: "8",
    maxTokens: "20000",
  };
}

/** Reads a stored rule into the editor, best effort: a malformed one still opens so it can be fixed. */
export function ruleToForm(rule: unknown, index: number): RuleForm {
  const r = (rule && typeof rule === "object" ? rule : {}) as Record<string, unknown>;
  const type = (typeof r.type === "string" ? r.type : "escalate_keywords") as RuleType;
  const form = emptyRuleForm(type, index);
  return {
    ...form,
    id: str(r.id) || form.id,
    name: str(r.name),
    explanation: str(r.explanation),
    tool: str(r.tool) || form.tool,
    action: str(r.action) || form.action,
    keywords: lines(r.keywords),
    pattern: str(r.pattern),
    unless: str(r.unless),
    intents: lines(r.intents),
    tiers: Array.isArray(r.values) ? r.values.map(str) : [],
    category: str(r.category) || form.category,
    minConfidence: r.minConfidence === undefined ? form.minConfidence : str(r.minConfidence),
    team: str(r.team) || form.team,
    amount: dollars(type === "max_refund" ? r.maxCents : r.overCents),
    maxSteps: r.maxSteps === undefined ? form.maxSteps : str(r.maxSteps),
    maxTokens: r.maxTokens === undefined ? form.maxTokens : str(r.maxTokens),
  };
}

const splitLines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/** "50" -> 5000, "49.99" -> 4999; anything else is sent as null so the server says what is wrong. */
export function dollarsToCents(text: string): number | null {
  const t = text.trim().replace(/^\$/, "").replaceAll(",", "");
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  const [whole, fraction = ""] = t.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

const integer = (text: string): number | null => (/^\s*\d+\s*$/.test(text) ? Number(text) : null);

const decimal = (text: string): number | null =>
  /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : null;

/** The rule object the server validates: only the fields of the rule's type. */
export function formToRule(form: RuleForm): Record<string, unknown> {
  const common = { id: form.id.trim(), name: form.name, explanation: form.explanation, type: form.type };
  const unless = form.unless.trim() ? { unless: form.unless } : {};
  switch (form.type) {
    case "block_tool":
      return { ...common, tool: form.tool };
    case "block_action":
      return { ...common, action: form.action };
    case "escalate_keywords":
      return { ...common, keywords: splitLines(form.keywords), ...unless, team: form.team };
    case "escalate_regex":
      return { ...common, pattern: form.pattern, ...unless, team: form.team };
    case "escalate_intent":
      return { ...common, intents: splitLines(form.intents), team: form.team };
    case "escalate_category":
      return {
        ...common,
        category: form.category,
        minConfidence: decimal(form.minConfidence),
        team: form.team,
      };
    case "escalate_customer":
      return { ...common, attribute: "tier", values: form.tiers, team: form.team };
    case "escalate_amount":
      return { ...common, overCents: dollarsToCents(form.amount), team: form.team };
    case "max_refund":
      return { ...common, maxCents: dollarsToCents(form.amount) };
    case "require_citations":
      return common;
    case "budget":
      return { ...common, maxSteps: integer(form.maxSteps), maxTokens: integer(form.maxTokens) };
  }
}

const FIELD_OF_PATH: Record<string, keyof RuleForm> = {
  overCents: "amount",
  maxCents: "amount",
  values: "tiers",
  attribute: "tiers",
};

/** Where a server issue belongs in the editor: "rules.3.keywords.0" -> rule 3, field "keywords". */
export function issueTarget(path: string): { index: number; field: keyof RuleForm | "rule" } | null {
  const [root, index, field] = path.split(".");
  if (root !== "rules" || index === undefined || !/^\d+$/.test(index)) return null;
  const name = field ?? "rule";
  return { index: Number(index), field: FIELD_OF_PATH[name] ?? (name as keyof RuleForm) };
}
