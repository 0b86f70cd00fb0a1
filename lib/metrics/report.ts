import type { Db } from "@/db";
import type { CheckName } from "@/lib/agent/verify";
import { AppError } from "@/lib/errors";
import { REASON_LABELS, type ReasonTag } from "@/lib/review/schema";
import type { AgreementReport } from "./agreement";
import { loadAgreement } from "./agreement-load";
import { type Anomaly, type AnomalyMetric, type DailyCount, detectAnomalies } from "./anomalies";
import {
  type CheckCount,
  failingChecksOf,
  type ReasonCount,
  type RuleFigures,
  ruleFiguresOf,
  ruleNames,
  topReasonsOf,
} from "./breakdowns";
import { emptyFigures, type Figures, loadFigures } from "./figures";
import {
  addDays,
  daysIn,
  firstDayOf,
  type GroupBy,
  metricsParamsSchema,
  PeriodError,
  type ResolvedPeriod,
  resolvePeriod,
} from "./period";
import { loadReviewSla, type ReviewSlaFigures } from "./review-sla";
import {
  loadReviewerAgentFigures,
  loadShapeFigures,
  type ReviewerAgentFigures,
  type ShapeFigures,
} from "./shapes";
import { ticketsHref } from "./ticket-links";

export interface SeriesPoint {
  /** `2026-11-24`, a policy version number (or "none"), or a model id. */
  key: string;
  label: string;
  figures: Figures;
}

/** Everything the dashboard shows, and what `GET /api/v1/metrics` returns. Plain JSON: no Dates. */
export interface MetricsReport {
  /** The period, [from, to), as ISO instants. */
  period: { from: string; to: string; days: number };
  previousPeriod: { from: string; to: string };
  groupBy: GroupBy;
  headline: { current: Figures; previous: Figures };
  /** One point per day of the period (days without data included), policy version or model. */
  series: SeriesPoint[];
  rules: (RuleFigures & { ticketsHref: string })[];
  topReasons: (ReasonCount & { label: string; ticketsHref: string })[];
  failingChecks: (CheckCount & { ticketsHref: string })[];
  anomalies: (Anomaly & { ticketsHref: string })[];
  /** The period's runs cut by agent shape (lib/agent/shapes), read from the records. */
  shapes: ShapeFigures[];
  /** The team shape's reviewer agent against people's decisions on the same replies. */
  reviewerAgent: ReviewerAgentFigures;
  /** Blind second reviews given in the period against the first decisions (lib/metrics/agreement.ts). */
  agreement: AgreementReport;
  /** Time to first review against the SLA, and system escalations past a hard limit (lib/metrics/review-sla.ts). */
  reviewSla: ReviewSlaFigures;
  generatedAt: string;
}

/**
 * Reads the dashboard's query (from, to, groupBy) into a period, or throws a
 * 400 AppError whose message says what to change.
 */
export function parseMetricsQuery(
  params: Record<string, string | undefined>,
  now: Date = new Date(),
): ResolvedPeriod {
  const parsed = metricsParamsSchema.safeParse(params);
  if (!parsed.success) {
    throw new AppError(
      "bad_request:metrics",
      parsed.error.issues[0]?.message ?? "Check from, to and groupBy.",
    );
  }
  try {
    return resolvePeriod(parsed.data, now);
  } catch (error) {
    if (error instanceof PeriodError) throw new AppError("bad_request:metrics", error.message);
    throw error;
  }
}

function seriesOf(
  period: ResolvedPeriod,
  days: Map<string, Figures>,
  cuts: Map<string, Figures>,
): SeriesPoint[] {
  if (period.groupBy === "day") {
    return daysIn(period.current).map((day) => ({
      key: day,
      label: day,
      figures: days.get(day) ?? emptyFigures(),
    }));
  }
  const points = [...cuts].map(([key, figures]) => ({
    key,
    label: period.groupBy === "policy" ? (key === "none" ? "no policy" : `v${key}`) : key,
    figures,
  }));
  if (period.groupBy === "policy") {
    return points.sort(
      (a, b) => (Number(a.key) || Number.MAX_SAFE_INTEGER) - (Number(b.key) || Number.MAX_SAFE_INTEGER),
    );
  }
  return points.sort((a, b) => b.figures.runs - a.figures.runs || a.key.localeCompare(b.key));
}

const ANOMALY_COUNTS: Record<AnomalyMetric, (f: Figures) => DailyCount> = {
  escalationRate: (f) => ({ numerator: f.escalatedTickets, denominator: f.ticketsDecided }),
  hallucinationRate: (f) => ({ numerator: f.hallucinatedReplies, denominator: f.reviewedReplies }),
};

/**
 * The whole dashboard's data for one period: headline figures for it and the
 * period before, the series for the chosen cut, the per-rule table, top
 * reasons, failing checks and anomalies, added up from day rows (rollups.ts);
 * the one function the page, the API and the benchmark call.
 */
export async function loadMetricsReport(db: Db, period: ResolvedPeriod): Promise<MetricsReport> {
  const range = period.current;
  const [buckets, names, shapes, reviewerAgent, agreement, reviewSla] = await Promise.all([
    loadFigures(db, period),
    ruleNames(db),
    loadShapeFigures(db, range),
    loadReviewerAgentFigures(db, range),
    loadAgreement(db, range),
    loadReviewSla(db, range),
  ]);
  const firstDay = firstDayOf(range);
  const rules = ruleFiguresOf(buckets.rows, names);
  const reasons = topReasonsOf(buckets.rows, firstDay);
  const checks = failingChecksOf(buckets.rows, firstDay);

  const periodDays = daysIn(range);
  const anomalies = (Object.keys(ANOMALY_COUNTS) as AnomalyMetric[]).flatMap((metric) => {
    const daily = new Map([...buckets.days].map(([day, f]) => [day, ANOMALY_COUNTS[metric](f)]));
    return detectAnomalies(metric, daily, periodDays).map((a) => {
      const from = new Date(`${a.day}T00:00:00Z`);
      return {
        ...a,
        ticketsHref: ticketsHref({
          kind: "outcome",
          outcome: metric === "escalationRate" ? "escalated" : "hallucination",
          range: { from, to: addDays(from, 1) },
        }),
      };
    });
  });
  anomalies.sort((a, b) => a.day.localeCompare(b.day) || a.metric.localeCompare(b.metric));

  return {
    period: {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      days: (range.to.getTime() - range.from.getTime()) / 86_400_000,
    },
    previousPeriod: { from: period.previous.from.toISOString(), to: period.previous.to.toISOString() },
    groupBy: period.groupBy,
    headline: { current: buckets.current, previous: buckets.previous },
    series: seriesOf(period, buckets.days, buckets.cuts),
    rules: rules.map((r) => ({ ...r, ticketsHref: ticketsHref({ kind: "rule", ruleId: r.ruleId, range }) })),
    topReasons: reasons.map((r) => ({
      ...r,
      label: REASON_LABELS[r.tag as ReasonTag] ?? r.tag,
      ticketsHref: ticketsHref({ kind: "reason", tag: r.tag as ReasonTag, range }),
    })),
    failingChecks: checks.map((c) => ({
      ...c,
      ticketsHref: ticketsHref({ kind: "check", check: c.check as CheckName, range }),
    })),
    anomalies,
    shapes,
    reviewerAgent,
    agreement,
    reviewSla,
    generatedAt: new Date().toISOString(),
  };
}
