/** Micro-dollars as dollars, with enough digits to show small per-step costs. */
export function formatMicroUsd(micro: number): string {
  if (micro === 0) return "$0";
  const dollars = micro / 1_000_000;
  return dollars >= 0.01 ? `$${dollars.toFixed(2)}` : `$${dollars.toFixed(6)}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
