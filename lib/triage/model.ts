import { readFileSync } from "node:fs";
import path from "node:path";
import { featurize, type SparseVector } from "./features";
import { CATEGORIES, type Category, OUT_OF_SCOPE } from "./labels";

/** One linear softmax head over the hashed features, weights quantised to int8 per label. */
export interface Head {
  labels: string[];
  /** buckets × labels, row-major by feature bucket. */
  weights: Int8Array;
  scales: Float32Array;
  bias: Float32Array;
  /** Temperature fitted on the calibration split: softmax(z / T). */
  temperature: number;
}

export interface TriageModel {
  version: number;
  buckets: number;
  /** Fingerprint of the training data and settings (sha-256). */
  fingerprint: string;
  heads: { intent: Head; category: Head; scope: Head };
}

export interface Scored {
  label: string;
  confidence: number;
}

export interface Triage {
  intent: string;
  intentConfidence: number;
  category: Category;
  categoryConfidence: number;
  /** Probability of each category: escalate_category rules compare theirs with a minimum. */
  categories: Record<Category, number>;
  /** Probability that the shop handles this kind of request. */
  inScope: number;
  /** The next most likely intents, for the reviewer. */
  alternatives: Scored[];
}

export const MODEL_PATH = path.join(process.cwd(), "data", "triage", "model.bin");
const MAGIC = "CSTRIAGE";

export function headScores(head: Head, x: SparseVector, buckets: number): Float64Array {
  const k = head.labels.length;
  const z = Float64Array.from(head.bias);
  const acc = new Float64Array(k);
  for (let i = 0; i < x.indices.length; i++) {
    const row = ((x.indices[i] as number) & (buckets - 1)) * k;
    const v = x.values[i] as number;
    for (let c = 0; c < k; c++) acc[c] = (acc[c] as number) + v * (head.weights[row + c] as number);
  }
  for (let c = 0; c < k; c++) z[c] = (z[c] as number) + (acc[c] as number) * (head.scales[c] as number);
  return z;
}

export function softmax(z: Float64Array, temperature = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) max = Math.max(max, v / temperature);
  const out = new Float64Array(z.length);
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    out[c] = Math.exp((z[c] as number) / temperature - max);
    sum += out[c] as number;
  }
  for (let c = 0; c < z.length; c++) out[c] = (out[c] as number) / sum;
  return out;
}

function argmax(p: Float64Array): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
  return best;
}

export function headProbabilities(head: Head, x: SparseVector, buckets: number): Float64Array {
  return softmax(headScores(head, x, buckets), head.temperature);
}

const round = (p: number) => Math.round(p * 1000) / 1000;

/** Classifies one ticket's subject and body. */
export function classify(model: TriageModel, subject: string, body: string): Triage {
  const x = featurize(`${subject}\n${body}`, model.buckets);
  const { intent, category, scope } = model.heads;
  const pi = headProbabilities(intent, x, model.buckets);
  const pc = headProbabilities(category, x, model.buckets);
  const ps = headProbabilities(scope, x, model.buckets);
  const ranked = [...pi.keys()].sort((a, b) => (pi[b] as number) - (pi[a] as number));
  const top = ranked[0] ?? 0;
  const c = argmax(pc);
  const categories = Object.fromEntries(
    CATEGORIES.map((name) => [name, round(pc[category.labels.indexOf(name)] ?? 0)]),
  ) as Record<Category, number>;
  return {
    intent: intent.labels[top] ?? OUT_OF_SCOPE,
    intentConfidence: round(pi[top] ?? 0),
    category: (category.labels[c] ?? "none") as Category,
    categoryConfidence: round(pc[c] ?? 0),
    categories,
    // The scope head and the intent head's "out of scope" each see the question differently: their mean is steadier.
    inScope: round(
      ((ps[scope.labels.indexOf("in_scope")] ?? 0) + 1 - (pi[intent.labels.indexOf(OUT_OF_SCOPE)] ?? 0)) / 2,
    ),
    alternatives: ranked
      .slice(1, 3)
      .map((i) => ({ label: intent.labels[i] ?? "", confidence: round(pi[i] ?? 0) })),
  };
}

interface HeadHeader {
  labels: string[];
  scales: number[];
  bias: number[];
  temperature: number;
}

/** The artifact: magic, header length, JSON header, then each head's int8 weights. */
export function serializeModel(model: TriageModel): Buffer {
  const headerOf = (h: Head): HeadHeader => ({
    labels: h.labels,
    scales: [...h.scales],
    bias: [...h.bias],
    temperature: h.temperature,
  });
  const header = Buffer.from(
    JSON.stringify({
      version: model.version,
      buckets: model.buckets,
      fingerprint: model.fingerprint,
      heads: {
        intent: headerOf(model.heads.intent),
        category: headerOf(model.heads.category),
        scope: headerOf(model.heads.scope),
      },
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const { intent, category, scope } = model.heads;
  return Buffer.concat([
    Buffer.from(MAGIC),
    length,
    header,
    ...[intent, category, scope].map((h) =>
      Buffer.from(h.weights.buffer, h.weights.byteOffset, h.weights.length),
    ),
  ]);
}

export function deserializeModel(bytes: Buffer): TriageModel {
  if (bytes.subarray(0, MAGIC.length).toString() !== MAGIC)
    throw new Error("This file is not a triage model (run `npm run triage:train`).");
  const length = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const header = JSON.parse(bytes.subarray(start, start + length).toString()) as {
    version: number;
    buckets: number;
    fingerprint: string;
    heads: Record<"intent" | "category" | "scope", HeadHeader>;
  };
  let offset = start + length;
  const head = (h: HeadHeader): Head => {
    const size = header.buckets * h.labels.length;
    const weights = new Int8Array(
      bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + size),
    );
    offset += size;
    return {
      labels: h.labels,
      weights,
      scales: Float32Array.from(h.scales),
      bias: Float32Array.from(h.bias),
      temperature: h.temperature,
    };
  };
  const heads = {
    intent: head(header.heads.intent),
    category: head(header.heads.category),
    scope: head(header.heads.scope),
  };
  if (offset !== bytes.length) throw new Error("The triage model file is truncated or corrupt.");
  return { version: header.version, buckets: header.buckets, fingerprint: header.fingerprint, heads };
}

const cache = globalThis as unknown as { __triageModel?: TriageModel };

/** The committed model, read once per process. */
export function loadTriageModel(file = MODEL_PATH): TriageModel {
  if (file === MODEL_PATH && cache.__triageModel) return cache.__triageModel;
  const model = deserializeModel(readFileSync(file));
  if (file === MODEL_PATH) cache.__triageModel = model;
  return model;
}

/** Classifies with the committed model. */
export function triageTicket(subject: string, body: string): Triage {
  return classify(loadTriageModel(), subject, body);
}
