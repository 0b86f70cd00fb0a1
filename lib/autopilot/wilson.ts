/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/**
 * The lower bound of the Wilson score interval for `successes` out of `n`
 * (95 % by default): the rate we can be confident a category at least reaches.
 */
export function wilsonLowerBound(successes: number, n: number, z = Z_95): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError("n must be a whole number of trials");
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError("successes must be a whole number between 0 and n");
  }
  // No evidence, or no success: the bound is exactly 0 (the formula leaves rounding dust).
  if (successes === 0) return 0;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}
