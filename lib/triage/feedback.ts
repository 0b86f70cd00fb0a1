import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Rule } from "@/lib/guardrails/rules";
import type { LabelledRow } from "./datasets";
import { labelledTicketSchema } from "./datasets";
import { type DatasetScores, scoreDatasets } from "./eval";
import { normalizeText } from "./features";
import { classify, type TriageModel } from "./model";
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions, trainTriageModel } from "./train";

/**
 * Each reviewer's correction is repeated this many times in the training rows: one row among
 * 23,000 would barely move a linear model, and a person's word on a ticket outweighs a data set row.
 */
export const CORRECTION_WEIGHT = 8;

/** Corrections as training rows, each repeated CORRECTION_WEIGHT times (always in the training split). */
export function correctionTrainingRows(corrections: LabelledRow[]): LabelledRow[] {
  return corrections.flatMap((c) =>
    Array.from({ length: CORRECTION_WEIGHT }, () => ({
      ...c,
      dataset: "reviews" as const,
      split: "train" as const,
    })),
  );
}

/** Retrains the model in memory from the data sets plus the reviewers' corrections. */
export function retrainWithCorrections(
  rows: LabelledRow[],
  corrections: LabelledRow[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): TriageModel {
  return trainTriageModel([...rows, ...correctionTrainingRows(corrections)], options);
}

export interface Reading {
  intent: string;
  category: string;
}

export interface CorrectionEffect {
  subject: string;
  body: string;
  corrected: Reading;
  before: Reading;
  after: Reading;
  /** The retrained model now reads the ticket as the reviewer said. */
  followed: boolean;
}

export interface FeedbackComparison {
  before: DatasetScores[];
  after: DatasetScores[];
  corrections: CorrectionEffect[];
  /** Held-out rows left out of both scores because a correction has the same text. */
  excluded: number;
}

const key = (r: { subject: string; body: string }) => normalizeText(`${r.subject}\n${r.body}`);

/**
 * What training with the corrections changed: the held-out figures of both models (held-out rows
 * whose text a reviewer corrected are left out, so neither figure is measured on a training row)
 * and how each model reads every corrected ticket.
 */
export function compareWithCorrections(
  base: TriageModel,
  retrained: TriageModel,
  rules: Rule[],
  rows: LabelledRow[],
  corrections: LabelledRow[],
): FeedbackComparison {
  const corrected = new Set(corrections.map(key));
  const kept = rows.filter((r) => r.split === "test" && !corrected.has(key(r)));
  const reading = (model: TriageModel, c: LabelledRow): Reading => {
    const t = classify(model, c.subject, c.body);
    return { intent: t.intent, category: t.category };
  };
  return {
    before: scoreDatasets(base, rules, kept),
    after: scoreDatasets(retrained, rules, kept),
    excluded: rows.filter((r) => r.split === "test").length - kept.length,
    corrections: corrections.map((c) => {
      const after = reading(retrained, c);
      return {
        subject: c.subject,
        body: c.body,
        corrected: { intent: c.intent, category: c.category },
        before: reading(base, c),
        after,
        followed: after.intent === c.intent && after.category === c.category,
      };
    }),
  };
}

/** A JSON file of corrected tickets (subject, body, intent, category), e.g. data/triage/example-corrections.json. */
export function loadCorrectionsFile(file: string): LabelledRow[] {
  const parsed = z.array(labelledTicketSchema).safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(
      `${file} is not a list of corrections: each needs subject, body, a known intent and a category (${parsed.error.issues[0]?.message}).`,
    );
  return parsed.data.map((t) => ({
    dataset: "reviews",
    subject: t.subject,
    body: t.body,
    intent: t.intent,
    category: t.category,
    sourceLabel: t.intent,
    split: "train",
  }));
}
