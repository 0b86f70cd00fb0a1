/**
 * Cohen's kappa for two raters who each put the same items into one of a set
 * of classes: (observed agreement − agreement expected by chance) / (1 −
 * agreement expected by chance), chance being the product of each rater's
 * share of a class, summed over classes.
 *
 * Degenerate case: when both raters put every item in the same single class,
 * chance agreement is 1 and kappa is 0 / 0. We report `null` ("not
 * defined") rather than 1: perfect agreement on one class says nothing about
 * whether the raters could tell classes apart, and a 1 would be read as proof
 * of calibration. The agreement rate (1 in that case) is still reported.
 * No items also gives `null`.
 */
export function cohensKappa(pairs: readonly (readonly [string, string])[]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let agreed = 0;
  for (const [a, b] of pairs) {
    if (a === b) agreed++;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const observed = agreed / n;
  let chance = 0;
  for (const [label, count] of first) chance += (count / n) * ((second.get(label) ?? 0) / n);
  if (1 - chance < 1e-12) return null;
  return (observed - chance) / (1 - chance);
}
