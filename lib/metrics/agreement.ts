import type { ActionKind, Decision } from "@/db/schema";
import { cohensKappa } from "./kappa";

/**
 * Reviewer agreement: two independent decisions on the same action (a person
 * and a blind second reviewer, or the autopilot and the person who reviewed
 * its sample), compared decision for decision (approve, edit, escalate,
 * reject are four classes). `judgeAgreement` is pure, so any sample of paired
 * decisions can be judged by it.
 */

export interface Judgement {
  /** null for the system (the autopilot) or a removed account. */
  reviewerId: string | null;
  reviewerName: string;
  decision: Decision;
}

export interface ReviewPair {
  actionId: string;
  ticketId: string;
  subject: string;
  /** The category: the ticket's triage intent ("unknown" when triage gave none) × the action kind. */
  intent: string;
  actionKind: ActionKind;
  first: Judgement;
  second: Judgement;
  /** When the second judgement was made (ISO). */
  decidedAt: string;
}

export interface AgreementFigures {
  pairs: number;
  agreed: number;
  /** agreed / pairs; null with no pairs. */
  rate: number | null;
  /** Cohen's kappa (lib/metrics/kappa.ts); null when not defined (no pairs, or one class only). */
  kappa: number | null;
}

export interface Disagreement {
  actionId: string;
  ticketId: string;
  subject: string;
  intent: string;
  actionKind: ActionKind;
  first: Judgement;
  second: Judgement;
  decidedAt: string;
  ticketHref: string;
}

export interface AgreementReport extends AgreementFigures {
  byCategory: (AgreementFigures & { intent: string; actionKind: ActionKind })[];
  byReviewer: (AgreementFigures & { reviewerId: string | null; reviewerName: string })[];
  /** The most recent disagreements first, for calibration; `disagreementsOmitted` counts the rest. */
  disagreements: Disagreement[];
  disagreementsOmitted: number;
}

export const MAX_DISAGREEMENTS = 50;

function figuresOf(labels: [string, string][]): AgreementFigures {
  const agreed = labels.filter(([a, b]) => a === b).length;
  return {
    pairs: labels.length,
    agreed,
    rate: labels.length ? agreed / labels.length : null,
    kappa: cohensKappa(labels),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Agreement rate and kappa overall, per category and per reviewer, with the disagreements listed. */
export function judgeAgreement(pairs: readonly ReviewPair[]): AgreementReport {
  const all: [string, string][] = pairs.map((p) => [p.first.decision, p.second.decision]);
  const byCategory = new Map<
    string,
    { intent: string; actionKind: ActionKind; labels: [string, string][] }
  >();
  const byReviewer = new Map<string, { reviewerId: string | null; reviewerName: string }>();
  const reviewerLabels = new Map<string, [string, string][]>();
  for (const p of pairs) {
    const key = `${p.intent}|${p.actionKind}`;
    const category = byCategory.get(key) ?? { intent: p.intent, actionKind: p.actionKind, labels: [] };
    category.labels.push([p.first.decision, p.second.decision]);
    byCategory.set(key, category);
    // Each reviewer's decisions against the other judgement of the same action, whichever came first.
    for (const [self, other] of [
      [p.first, p.second],
      [p.second, p.first],
    ] as const) {
      const id = self.reviewerId ?? `name:${self.reviewerName}`;
      byReviewer.set(id, { reviewerId: self.reviewerId, reviewerName: self.reviewerName });
      push(reviewerLabels, id, [self.decision, other.decision] as [string, string]);
    }
  }
  const disagreements = pairs
    .filter((p) => p.first.decision !== p.second.decision)
    .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt) || a.actionId.localeCompare(b.actionId));
  return {
    ...figuresOf(all),
    byCategory: [...byCategory.values()]
      .map((c) => ({ intent: c.intent, actionKind: c.actionKind, ...figuresOf(c.labels) }))
      .sort(
        (a, b) =>
          b.pairs - a.pairs || `${a.intent}${a.actionKind}`.localeCompare(`${b.intent}${b.actionKind}`),
      ),
    byReviewer: [...byReviewer]
      .map(([id, who]) => ({ ...who, ...figuresOf(reviewerLabels.get(id) ?? []) }))
      .sort((a, b) => b.pairs - a.pairs || a.reviewerName.localeCompare(b.reviewerName)),
    disagreements: disagreements.slice(0, MAX_DISAGREEMENTS).map((p) => ({
      actionId: p.actionId,
      ticketId: p.ticketId,
      subject: p.subject,
      intent: p.intent,
      actionKind: p.actionKind,
      first: p.first,
      second: p.second,
      decidedAt: p.decidedAt,
      ticketHref: `/tickets/${p.ticketId}`,
    })),
    disagreementsOmitted: Math.max(0, disagreements.length - MAX_DISAGREEMENTS),
  };
}
