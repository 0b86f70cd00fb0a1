/** How the benches print timings and goals. */
import { percentile } from "./db";

export const ms = (n: number) => `${n.toFixed(1)} ms`;

/** "met" or "MISSED", as a goal line ends. */
export const goal = (met: boolean) => (met ? "met" : "MISSED");

/** p50, p95 and max of a set of timings (ms), and the p95 alone for a goal. */
export function latency(values: number[]): { p95: number; text: string } {
  const sorted = [...values].sort((a, b) => a - b);
  const p95 = percentile(sorted, 95);
  return {
    p95,
    text: `p50 ${ms(percentile(sorted, 50))} · p95 ${ms(p95)} · max ${ms(sorted.at(-1) ?? 0)} (n=${sorted.length})`,
  };
}
