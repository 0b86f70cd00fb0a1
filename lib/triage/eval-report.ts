import type { DatasetScores } from "./eval";
import type { FeedbackComparison } from "./feedback";
import { RISK_CATEGORIES } from "./labels";

interface Ratio {
  hit: number;
  total: number;
}

type Goal = { label: string; value: (s: DatasetScores) => Ratio; met: (p: number) => boolean; goal: string };

/** The issue's goals on held-out rows. */
export const GOALS: Goal[] = [
  ...RISK_CATEGORIES.map(
    (c): Goal => ({
      label: `recall: ${c}`,
      value: (s) => s.recall[c],
      met: (p) => p >= 0.95,
      goal: "≥ 95 %",
    }),
  ),
  {
    label: "precision over all escalations",
    value: (s) => s.precision,
    met: (p) => p >= 0.85,
    goal: "≥ 85 %",
  },
  {
    label: "precision of policy escalations on risk tickets (no goal)",
    value: (s) => s.policyPrecision,
    met: () => true,
    goal: "—",
  },
  { label: "out-of-scope abstained", value: (s) => s.oosAbstained, met: (p) => p >= 0.9, goal: "≥ 90 %" },
  {
    label: "answerable in-scope abstained",
    value: (s) => s.answerableAbstained,
    met: (p) => p <= 0.1,
    goal: "≤ 10 %",
  },
  {
    label: "answerable in-scope drafted",
    value: (s) => s.answerableDrafted,
    met: (p) => p >= 0.6,
    goal: "≥ 60 %",
  },
  { label: "citation–intent match", value: (s) => s.citationMatch, met: (p) => p >= 0.9, goal: "≥ 90 %" },
  { label: "intent accuracy (no goal)", value: (s) => s.intentAccuracy, met: () => true, goal: "—" },
];

function cell(r: Ratio, goal: Goal): string {
  if (r.total === 0) return "n/a";
  const p = r.hit / r.total;
  const mark = goal.goal === "—" ? "" : goal.met(p) ? " met" : " **missed**";
  return `${(100 * p).toFixed(1)} % (${r.hit}/${r.total})${mark}`;
}

export function formatScores(scores: DatasetScores[]): string {
  const lines = [
    `| measure (held-out rows) | goal | ${scores.map((s) => `${s.dataset} (${s.rows})`).join(" | ")} |`,
    `|---|---|${scores.map(() => "---").join("|")}|`,
    ...GOALS.map((g) => `| ${g.label} | ${g.goal} | ${scores.map((s) => cell(g.value(s), g)).join(" | ")} |`),
  ];
  const all = scores.find((s) => s.dataset === "all");
  if (all) {
    lines.push("", "Ten most confused intents (all held-out rows): true → predicted (count)");
    for (const c of all.confused) lines.push(`- ${c.truth} → ${c.predicted} (${c.count})`);
  }
  return lines.join("\n");
}

/** The held-out figures before and after training with reviewers' corrections, and how each corrected ticket reads now. */
export function formatFeedback(f: FeedbackComparison): string {
  const lines = [
    `| measure (held-out rows, ${f.excluded} with a corrected text left out) | goal | ${f.before.map((s) => `${s.dataset}: before → after`).join(" | ")} |`,
    `|---|---|${f.before.map(() => "---").join("|")}|`,
    ...GOALS.map(
      (g) =>
        `| ${g.label} | ${g.goal} | ${f.before
          .map((s, i) => {
            const after = f.after[i];
            return `${cell(g.value(s), g)} → ${after ? cell(g.value(after), g) : "n/a"}`;
          })
          .join(" | ")} |`,
    ),
    "",
    `Corrected tickets read as the reviewer said after retraining: ${f.corrections.filter((c) => c.followed).length} of ${f.corrections.length}`,
  ];
  for (const c of f.corrections)
    lines.push(
      `- "${c.subject || c.body.slice(0, 60)}": reviewer ${c.corrected.intent}/${c.corrected.category}; before ${c.before.intent}/${c.before.category}; after ${c.after.intent}/${c.after.category}${c.followed ? "" : " (not followed)"}`,
    );
  return lines.join("\n");
}
