import { ticketEscalations } from "@/lib/guardrails/evaluate";
import type { Rule } from "@/lib/guardrails/rules";
import { answerability } from "./answer";
import type { Dataset, LabelledRow } from "./datasets";
import { INTENT_ARTICLES, OUT_OF_SCOPE, RISK_CATEGORIES, type RiskCategory } from "./labels";
import { classify, type TriageModel } from "./model";

/** What the agent's decision layer does with one ticket, without a model or a database. */
export type Outcome =
  | { kind: "escalate"; because: "policy" | "out_of_scope" | "no_article"; teams: string[] }
  | { kind: "draft"; article: string };

export function decide(model: TriageModel, rules: Rule[], subject: string, body: string): Outcome {
  const triage = classify(model, subject, body);
  const fired = ticketEscalations(rules, { text: `${subject}\n${body}`, triage });
  if (fired.length > 0) return { kind: "escalate", because: "policy", teams: fired.map((f) => f.team) };
  const a = answerability(triage);
  if (a.kind === "answer") return { kind: "draft", article: a.article };
  return { kind: "escalate", because: a.kind, teams: ["support"] };
}

/** A person should handle it: a risk category, a request outside the shop, no article, or a person asked for. */
export function shouldEscalate(row: LabelledRow): boolean {
  return (
    row.category !== "none" ||
    row.intent === OUT_OF_SCOPE ||
    !INTENT_ARTICLES[row.intent] ||
    row.intent === "contact_human_agent"
  );
}

interface Ratio {
  hit: number;
  total: number;
}

export interface DatasetScores {
  dataset: Dataset | "all";
  rows: number;
  recall: Record<RiskCategory, Ratio>;
  precision: Ratio;
  /** Escalations forced by the policy (triage categories, keywords, expressions) on tickets that carry a risk or ask for a person. */
  policyPrecision: Ratio;
  oosAbstained: Ratio;
  answerableAbstained: Ratio;
  answerableDrafted: Ratio;
  citationMatch: Ratio;
  intentAccuracy: Ratio;
  confused: { truth: string; predicted: string; count: number }[];
}

const ratio = (): Ratio => ({ hit: 0, total: 0 });
const count = (r: Ratio, hit: boolean) => {
  r.total++;
  if (hit) r.hit++;
};

/** Scores the decisions on held-out rows only (rows whose split is "test"). */
export function scoreDatasets(model: TriageModel, rules: Rule[], rows: LabelledRow[]): DatasetScores[] {
  const held = rows.filter((r) => r.split === "test");
  const groups = new Map<Dataset | "all", LabelledRow[]>([["all", held]]);
  for (const r of held) groups.set(r.dataset, [...(groups.get(r.dataset) ?? []), r]);
  const outcomes = new Map(held.map((r) => [r, decide(model, rules, r.subject, r.body)]));
  const predicted = new Map(held.map((r) => [r, classify(model, r.subject, r.body).intent]));
  return [...groups.entries()].map(([dataset, group]) => {
    const s: DatasetScores = {
      dataset,
      rows: group.length,
      recall: Object.fromEntries(RISK_CATEGORIES.map((c) => [c, ratio()])) as Record<RiskCategory, Ratio>,
      precision: ratio(),
      policyPrecision: ratio(),
      oosAbstained: ratio(),
      answerableAbstained: ratio(),
      answerableDrafted: ratio(),
      citationMatch: ratio(),
      intentAccuracy: ratio(),
      confused: [],
    };
    const confusion = new Map<string, number>();
    for (const row of group) {
      const o = outcomes.get(row) as Outcome;
      const escalated = o.kind === "escalate";
      if (row.category !== "none") count(s.recall[row.category], escalated);
      if (escalated) count(s.precision, shouldEscalate(row));
      if (o.kind === "escalate" && o.because === "policy")
        count(s.policyPrecision, row.category !== "none" || row.intent === "contact_human_agent");
      if (row.intent === OUT_OF_SCOPE) count(s.oosAbstained, escalated);
      if (!shouldEscalate(row)) {
        count(s.answerableAbstained, o.kind === "escalate" && o.because !== "policy");
        count(s.answerableDrafted, o.kind === "draft");
      }
      if (o.kind === "draft") count(s.citationMatch, INTENT_ARTICLES[row.intent] === o.article);
      const p = predicted.get(row) as string;
      count(s.intentAccuracy, p === row.intent);
      if (p !== row.intent)
        confusion.set(`${row.intent}\t${p}`, (confusion.get(`${row.intent}\t${p}`) ?? 0) + 1);
    }
    s.confused = [...confusion.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([key, n]) => {
        const [truth = "", pred = ""] = key.split("\t");
        return { truth, predicted: pred, count: n };
      });
    return s;
  });
}
