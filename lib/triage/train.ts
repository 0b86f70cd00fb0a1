import { createHash } from "node:crypto";
import type { LabelledRow } from "./datasets";
import { featurize, type SparseVector } from "./features";
import { CATEGORIES, INTENTS, OUT_OF_SCOPE } from "./labels";
import { type Head, headScores, softmax, type TriageModel } from "./model";
import { seededRandom, shuffled } from "./random";

export interface TrainOptions {
  seed: number;
  buckets: number;
  epochs: number;
  learningRate: number;
  l2: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  seed: 18,
  buckets: 1 << 16,
  epochs: 8,
  learningRate: 0.8,
  l2: 1e-6,
};

export const MODEL_VERSION = 1;

interface HeadSpec {
  labels: string[];
  target: (row: LabelledRow) => string;
  /** Per-label weights that offset class imbalance (and favour recall of risk categories). */
  weight: (label: string, counts: Map<string, number>) => number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 1;
}

const SPECS: Record<"intent" | "category" | "scope", HeadSpec> = {
  intent: {
    labels: INTENTS,
    target: (r) => r.intent,
    weight: (label, counts) =>
      clamp(Math.sqrt(median([...counts.values()]) / (counts.get(label) ?? 1)), 0.2, 4),
  },
  category: {
    labels: [...CATEGORIES],
    target: (r) => r.category,
    weight: (label, counts) =>
      label === "none" ? 1 : clamp(Math.sqrt((counts.get("none") ?? 1) / (counts.get(label) ?? 1)), 1, 6),
  },
  scope: {
    labels: ["in_scope", "out_of_scope"],
    target: (r) => (r.intent === OUT_OF_SCOPE ? "out_of_scope" : "in_scope"),
    weight: (label, counts) =>
      clamp(Math.sqrt(Math.max(...counts.values()) / (counts.get(label) ?? 1)), 1, 4),
  },
};

interface Encoded {
  x: SparseVector;
  row: LabelledRow;
}

function trainHead(
  spec: HeadSpec,
  rows: Encoded[],
  options: TrainOptions,
): { w: Float64Array; b: Float64Array } {
  const k = spec.labels.length;
  const index = new Map(spec.labels.map((l, i) => [l, i]));
  const counts = new Map<string, number>();
  for (const { row } of rows) counts.set(spec.target(row), (counts.get(spec.target(row)) ?? 0) + 1);
  const classWeight = spec.labels.map((l) => spec.weight(l, counts));
  const w = new Float64Array(options.buckets * k);
  const b = new Float64Array(k);
  const random = seededRandom(options.seed);
  const z = new Float64Array(k);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const lr = options.learningRate / (1 + epoch);
    for (const { x, row } of shuffled(rows, random)) {
      const y = index.get(spec.target(row)) ?? 0;
      z.set(b);
      for (let i = 0; i < x.indices.length; i++) {
        const base = (x.indices[i] as number) * k;
        const v = x.values[i] as number;
        for (let c = 0; c < k; c++) z[c] = (z[c] as number) + v * (w[base + c] as number);
      }
      const p = softmax(z);
      const cw = classWeight[y] as number;
      for (let c = 0; c < k; c++) p[c] = ((p[c] as number) - (c === y ? 1 : 0)) * cw * lr;
      for (let i = 0; i < x.indices.length; i++) {
        const base = (x.indices[i] as number) * k;
        const v = x.values[i] as number;
        for (let c = 0; c < k; c++) {
          const j = base + c;
          w[j] = (w[j] as number) * (1 - lr * options.l2) - (p[c] as number) * v;
        }
      }
      for (let c = 0; c < k; c++) b[c] = (b[c] as number) - (p[c] as number) * 0.1;
    }
  }
  return { w, b };
}

function quantize(labels: string[], w: Float64Array, b: Float64Array, buckets: number): Head {
  const k = labels.length;
  const scales = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let max = 0;
    for (let f = 0; f < buckets; f++) max = Math.max(max, Math.abs(w[f * k + c] as number));
    scales[c] = max / 127 || 1;
  }
  const weights = new Int8Array(buckets * k);
  for (let j = 0; j < weights.length; j++)
    weights[j] = Math.round((w[j] as number) / (scales[j % k] as number));
  return { labels, weights, scales, bias: Float32Array.from(b), temperature: 1 };
}

/** The temperature that minimises the negative log-likelihood on the calibration rows. */
function fitTemperature(head: Head, spec: HeadSpec, rows: Encoded[], buckets: number): number {
  if (rows.length === 0) return 1;
  const logits = rows.map(({ x, row }) => ({
    z: headScores(head, x, buckets),
    y: spec.labels.indexOf(spec.target(row)),
  }));
  let best = 1;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (let t = 0.2; t <= 4.001; t += 0.05) {
    let loss = 0;
    for (const { z, y } of logits) loss -= Math.log(Math.max(1e-12, softmax(z, t)[y] as number));
    if (loss < bestLoss - 1e-9) {
      bestLoss = loss;
      best = Math.round(t * 100) / 100;
    }
  }
  return best;
}

/**
 * Trains the three heads (intent, risk category, in scope) on the training
 * split, quantises them and fits each head's temperature on the calibration
 * split. The test split is never read. Same rows and options, same bytes.
 */
export function trainTriageModel(
  rows: LabelledRow[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): TriageModel {
  const encode = (r: LabelledRow): Encoded => ({
    x: featurize(`${r.subject}\n${r.body}`, options.buckets),
    row: r,
  });
  const train = rows.filter((r) => r.split === "train").map(encode);
  const calibration = rows.filter((r) => r.split === "calibration").map(encode);
  const fingerprint = createHash("sha256")
    .update(JSON.stringify({ options, version: MODEL_VERSION }))
    .update(JSON.stringify(train.map(({ row }) => [row.subject, row.body, row.intent, row.category])))
    .digest("hex");
  const head = (spec: HeadSpec): Head => {
    const { w, b } = trainHead(spec, train, options);
    const h = quantize(spec.labels, w, b, options.buckets);
    h.temperature = fitTemperature(h, spec, calibration, options.buckets);
    return h;
  };
  return {
    version: MODEL_VERSION,
    buckets: options.buckets,
    fingerprint,
    heads: { intent: head(SPECS.intent), category: head(SPECS.category), scope: head(SPECS.scope) },
  };
}
