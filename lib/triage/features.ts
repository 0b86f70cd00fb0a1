/**
 * Text features for the triage model: hashed word unigrams and bigrams and
 * character 3- to 5-grams inside words, L2-normalised. Hashing keeps the
 * model a fixed size whatever the vocabulary.
 */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** 32-bit FNV-1a over the UTF-16 code units of a string. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

export function words(text: string): string[] {
  return normalizeText(text).match(WORD) ?? [];
}

/** The hashed feature vector of a text over `buckets` dimensions (a power of two). */
export function featurize(text: string, buckets: number): SparseVector {
  const counts = new Map<number, number>();
  const mask = buckets - 1;
  const add = (feature: string, weight: number) => {
    const index = fnv1a(feature) & mask;
    counts.set(index, (counts.get(index) ?? 0) + weight);
  };
  const tokens = words(text).map((w) => w.replace(/\d/g, "0"));
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i] as string;
    add(`w:${w}`, 1);
    if (i + 1 < tokens.length) add(`b:${w} ${tokens[i + 1]}`, 1);
    const padded = ` ${w} `;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) add(`c:${padded.slice(j, j + n)}`, 0.5);
    }
  }
  add("bias:", 0); // every vector has at least one entry
  const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const values = new Float32Array(indices.length);
  let norm = 0;
  for (const [k, index] of indices.entries()) {
    const v = counts.get(index) ?? 0;
    values[k] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < values.length; k++) values[k] = (values[k] as number) / norm;
  return { indices, values };
}

export type Split = "train" | "calibration" | "test";

/**
 * Which split a row belongs to, from a stable hash of its normalised text:
 * 20 % held out for evaluation (hash mod 10 is 0 or 5), 10 % for calibrating
 * confidences (mod 10 is 1), the rest for training. Identical texts in
 * different data sets land in the same split.
 */
export function splitOf(text: string): Split {
  const bucket = fnv1a(normalizeText(text), 0x9747b28c) % 10;
  if (bucket === 0 || bucket === 5) return "test";
  if (bucket === 1) return "calibration";
  return "train";
}
