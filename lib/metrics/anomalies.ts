import { addDays, isoDay } from "./period";

export const ANOMALY_METRICS = ["escalationRate", "hallucinationRate"] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

/** The trailing window a day is compared with, the least of it that must have data, and the threshold. */
export const BASELINE_DAYS = 14;
export const MIN_BASELINE_DAYS = 7;
export const THRESHOLD_SD = 3;

export interface DailyCount {
  numerator: number;
  denominator: number;
}

export interface Anomaly {
  day: string;
  metric: AnomalyMetric;
  /** The day's rate and the count it is a share of (tickets decided, or replies reviewed). */
  value: number;
  count: number;
  /** Mean and sample standard deviation of the daily rates of the baseline days. */
  baselineMean: number;
  baselineSd: number;
  baselineDays: number;
  /** (value - mean) / sd; null when the baseline never varied (sd = 0), where any change is flagged. */
  deviations: number | null;
  direction: "up" | "down";
}

/**
 * Flags the days of `days` whose rate is more than 3 standard deviations
 * from the trailing 14 days. Pinned down:
 * - a day's rate is numerator / denominator of that UTC day; a day with a
 *   denominator of 0 has no rate: it is neither judged nor part of a baseline;
 * - the baseline of day D is the rates of D-14 .. D-1 (not D itself), their
 *   mean and *sample* standard deviation (n - 1); at least 7 of those days
 *   must have a rate, or D is not judged;
 * - flagged when |rate - mean| > 3 sd; when sd = 0 (a perfectly steady
 *   baseline), any rate other than the mean is flagged.
 */
export function detectAnomalies(
  metric: AnomalyMetric,
  daily: ReadonlyMap<string, DailyCount>,
  days: readonly string[],
): Anomaly[] {
  const rateOf = (day: string): number | null => {
    const c = daily.get(day);
    return c && c.denominator > 0 ? c.numerator / c.denominator : null;
  };
  const flagged: Anomaly[] = [];
  for (const day of days) {
    const value = rateOf(day);
    if (value === null) continue;
    const start = new Date(`${day}T00:00:00Z`);
    const baseline: number[] = [];
    for (let back = BASELINE_DAYS; back >= 1; back--) {
      const rate = rateOf(isoDay(addDays(start, -back)));
      if (rate !== null) baseline.push(rate);
    }
    if (baseline.length < MIN_BASELINE_DAYS) continue;
    const mean = baseline.reduce((a, b) => a + b, 0) / baseline.length;
    const variance = baseline.reduce((a, b) => a + (b - mean) ** 2, 0) / (baseline.length - 1);
    const sd = Math.sqrt(variance);
    const distance = Math.abs(value - mean);
    const isAnomaly = sd > 0 ? distance > THRESHOLD_SD * sd : distance > 0;
    if (!isAnomaly) continue;
    flagged.push({
      day,
      metric,
      value,
      count: daily.get(day)?.denominator ?? 0,
      baselineMean: mean,
      baselineSd: sd,
      baselineDays: baseline.length,
      deviations: sd > 0 ? (value - mean) / sd : null,
      direction: value > mean ? "up" : "down",
    });
  }
  return flagged;
}
