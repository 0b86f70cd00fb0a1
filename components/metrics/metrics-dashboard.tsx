"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { type MetricsSearch, metricsKey, metricsQueryString } from "@/lib/metrics/query-key";
import type { MetricsReport } from "@/lib/metrics/report";
import { AgreementSection } from "./agreement";
import { Anomalies, FailingChecks, RuleTable, TopReasons } from "./breakdowns";
import { HeadlineCards } from "./headline-cards";
import { MetricCharts } from "./metric-charts";
import { PeriodPicker } from "./period-picker";
import { ReviewSla } from "./review-sla";
import { ReviewerAgent, ShapeTable } from "./shape-figures";

export async function fetchMetrics(search: MetricsSearch): Promise<MetricsReport> {
  const response = await fetch(`/api/v1/metrics?${metricsQueryString(search)}`, { cache: "no-store" });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error?.message ?? "Could not load the metrics. Reload the page to try again.");
  }
  return response.json();
}

const dayOf = (iso: string) => iso.slice(0, 10);

function periodText(period: { from: string; to: string }): string {
  const from = new Date(period.from);
  const to = new Date(period.to);
  const wholeDays = from.getTime() % 86_400_000 === 0 && to.getTime() % 86_400_000 === 0;
  if (!wholeDays) return `${period.from} to ${period.to}`;
  const last = dayOf(new Date(to.getTime() - 86_400_000).toISOString());
  return dayOf(period.from) === last ? last : `${dayOf(period.from)} to ${last}`;
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mt-8">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** The monitoring dashboard: headline figures, charts, per-rule table, reasons, failing checks, anomalies. */
export function MetricsDashboard({
  search,
  today,
  error,
}: {
  search: MetricsSearch;
  today: string;
  error: string | null;
}) {
  const query = useQuery({ queryKey: metricsKey(search), queryFn: () => fetchMetrics(search) });
  const report = query.data;
  const quiet = report && report.headline.current.runs === 0 && report.headline.current.reviewedActions === 0;
  return (
    <section aria-labelledby="metrics-heading">
      <h1 id="metrics-heading" className="text-xl font-semibold">
        Metrics
      </h1>
      <PeriodPicker search={search} today={today} />
      {error ? (
        <p role="alert" className="mt-3 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {error}
        </p>
      ) : null}
      {query.isError ? (
        <p role="alert" className="mt-4 text-red-800">
          {query.error.message}
        </p>
      ) : null}
      {report ? (
        <>
          <p className="mt-3 text-sm text-slate-600">
            {periodText(report.period)} (UTC), compared with {periodText(report.previousPeriod)}.
          </p>
          {quiet ? (
            <p className="mt-3 rounded bg-sky-50 px-3 py-2 text-sm text-sky-900">
              No agent runs or reviews in this period. Draft and review some tickets, or pick a longer period.
            </p>
          ) : null}
          <HeadlineCards current={report.headline.current} previous={report.headline.previous} />
          <Section id="charts-heading" title="Over time and by cut">
            <MetricCharts series={report.series} groupBy={report.groupBy} />
          </Section>
          <Section id="review-sla-heading" title="Time to first review against the SLA">
            <ReviewSla figures={report.reviewSla} />
          </Section>
          <Section id="anomalies-heading" title="Anomalies">
            <Anomalies anomalies={report.anomalies} />
          </Section>
          <Section id="rules-heading" title="Guardrail rules">
            <RuleTable rules={report.rules} />
          </Section>
          <div className="grid gap-x-6 lg:grid-cols-2">
            <Section id="reasons-heading" title="Top reasons reviewers gave">
              <TopReasons reasons={report.topReasons} />
            </Section>
            <Section id="checks-heading" title="Verification checks that failed most">
              <FailingChecks checks={report.failingChecks} />
            </Section>
          </div>
          <div className="grid gap-x-6 lg:grid-cols-2">
            <Section id="shapes-heading" title="Runs by agent shape">
              <ShapeTable shapes={report.shapes} />
            </Section>
            <Section id="reviewer-agent-heading" title="Reviewer agent against people">
              <ReviewerAgent figures={report.reviewerAgent} />
            </Section>
          </div>
          <Section id="agreement-heading" title="Reviewer agreement">
            <AgreementSection agreement={report.agreement} />
          </Section>
        </>
      ) : query.isPending ? (
        <p className="mt-4 text-slate-600" role="status">
          Loading the figures…
        </p>
      ) : null}
    </section>
  );
}
