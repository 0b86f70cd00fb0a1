import { z } from "zod";

export const GROUP_BYS = ["day", "policy", "model"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest period one request may ask for (a year and a day, for leap years and "the past year"). */
export const MAX_PERIOD_DAYS = 366;
export const DEFAULT_PERIOD_DAYS = 30;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `2026-11-01` or an ISO date-time with an offset (`2026-11-01T09:30:00Z`). */
function isoInstant(name: "from" | "to") {
  return z
    .string()
    .trim()
    .refine(
      (v) => (DATE.test(v) ? z.iso.date() : z.iso.datetime({ offset: true })).safeParse(v).success,
      `${name} must be an ISO date like 2026-11-01 or a date-time like 2026-11-01T09:30:00Z.`,
    );
}

/** The query string of the dashboard and of `GET /api/v1/metrics`. Every part is optional. */
export const metricsParamsSchema = z.object({
  from: isoInstant("from").optional(),
  to: isoInstant("to").optional(),
  groupBy: z.enum(GROUP_BYS, "groupBy must be one of day, policy or model.").default("day"),
});
export type MetricsParams = z.input<typeof metricsParamsSchema>;

/** A half-open interval of time, [from, to). */
export interface Range {
  from: Date;
  to: Date;
}

export interface ResolvedPeriod {
  /** The period asked for, [from, to). */
  current: Range;
  /** The same length of time just before it, [from - length, from): what "change" compares against. */
  previous: Range;
  groupBy: GroupBy;
}

export class PeriodError extends Error {
  override name = "PeriodError";
}

/** The start of the UTC day `date` falls in. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Whether `date` is a UTC midnight. */
export function isMidnight(date: Date): boolean {
  return date.getTime() === startOfUtcDay(date).getTime();
}

/** `YYYY-MM-DD` of the UTC day a range starts in: where its distinct-ticket counts start. */
export function firstDayOf(range: Range): string {
  return isoDay(startOfUtcDay(range.from));
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** `YYYY-MM-DD` of a UTC day. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Turns the query into a period. Days are UTC days. A date `from` starts at
 * its midnight; a date `to` includes that whole day (so from=to=2026-11-24 is
 * that one day); date-times are taken as they are, `to` exclusive. Missing
 * `to` means the end of today; missing `from` means 30 days before `to`.
 * Throws PeriodError (a message for the person who sent it) when from is not
 * before to or the period is longer than 366 days.
 */
export function resolvePeriod(
  params: { from?: string; to?: string; groupBy?: GroupBy },
  now: Date = new Date(),
): ResolvedPeriod {
  const to = params.to
    ? DATE.test(params.to)
      ? addDays(new Date(`${params.to}T00:00:00Z`), 1)
      : new Date(params.to)
    : addDays(startOfUtcDay(now), 1);
  const from = params.from
    ? DATE.test(params.from)
      ? new Date(`${params.from}T00:00:00Z`)
      : new Date(params.from)
    : addDays(to, -DEFAULT_PERIOD_DAYS);
  if (from.getTime() >= to.getTime()) {
    throw new PeriodError(
      `from (${params.from ?? from.toISOString()}) must be before to (${params.to ?? to.toISOString()}): swap them or widen the period.`,
    );
  }
  const length = to.getTime() - from.getTime();
  if (length > MAX_PERIOD_DAYS * DAY_MS) {
    throw new PeriodError(
      `The period is ${Math.ceil(length / DAY_MS)} days long; ask for at most ${MAX_PERIOD_DAYS} days at a time.`,
    );
  }
  return {
    current: { from, to },
    previous: { from: new Date(from.getTime() - length), to: from },
    groupBy: params.groupBy ?? "day",
  };
}

/** Every UTC day that overlaps the range, as `YYYY-MM-DD`, oldest first. */
export function daysIn(range: Range): string[] {
  const days: string[] = [];
  for (let d = startOfUtcDay(range.from); d < range.to; d = addDays(d, 1)) days.push(isoDay(d));
  return days;
}
