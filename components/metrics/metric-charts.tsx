"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatFigure, type Unit } from "@/lib/metrics/definitions";
import type { Figures } from "@/lib/metrics/figures";
import type { GroupBy } from "@/lib/metrics/period";
import type { SeriesPoint } from "@/lib/metrics/report";

interface SeriesLine {
  key: keyof Figures;
  label: string;
  color: string;
}

interface ChartSpec {
  title: string;
  unit: Unit;
  lines: SeriesLine[];
}

// Colour-blind-safe (Okabe–Ito) colours; every series is also named in the legend and the table.
const CHARTS: ChartSpec[] = [
  {
    title: "Rates",
    unit: "percent",
    lines: [
      { key: "decisionQuality", label: "Decision quality", color: "#0072B2" },
      { key: "coverage", label: "Coverage", color: "#009E73" },
      { key: "autoResolution", label: "Auto-resolution", color: "#56B4E9" },
      { key: "escalationRate", label: "Escalation rate", color: "#E69F00" },
      { key: "hallucinationRate", label: "Hallucination rate", color: "#D55E00" },
      { key: "editRate", label: "Edit rate", color: "#CC79A7" },
    ],
  },
  {
    title: "Volume",
    unit: "count",
    lines: [
      { key: "runs", label: "Agent runs", color: "#0072B2" },
      { key: "reviewedActions", label: "Reviewed actions", color: "#009E73" },
      { key: "ticketsDecided", label: "Tickets decided", color: "#E69F00" },
    ],
  },
  {
    title: "Agent latency",
    unit: "ms",
    lines: [
      { key: "latencyP50Ms", label: "p50", color: "#0072B2" },
      { key: "latencyP95Ms", label: "p95", color: "#D55E00" },
    ],
  },
  {
    title: "Time to review",
    unit: "seconds",
    lines: [
      { key: "timeToReviewP50Seconds", label: "p50", color: "#0072B2" },
      { key: "timeToReviewP95Seconds", label: "p95", color: "#D55E00" },
    ],
  },
  {
    title: "Cost per task",
    unit: "microUsd",
    lines: [{ key: "costPerTaskMicroUsd", label: "Cost per task", color: "#0072B2" }],
  },
  {
    title: "Tokens per task",
    unit: "tokens",
    lines: [{ key: "tokensPerTask", label: "Tokens per task", color: "#009E73" }],
  },
];

const CUT_LABEL: Record<GroupBy, string> = { day: "day (UTC)", policy: "policy version", model: "model" };

/** Percentages are drawn as 0–100 so the axis reads naturally; everything else as is. */
function plotted(value: number | null, unit: Unit): number | null {
  if (value === null) return null;
  return unit === "percent" ? value * 100 : value;
}

function Chart({ spec, series, groupBy }: { spec: ChartSpec; series: SeriesPoint[]; groupBy: GroupBy }) {
  const data = series.map((p) => ({
    label: p.label,
    ...Object.fromEntries(
      spec.lines.map((l) => [l.key, plotted(p.figures[l.key] as number | null, spec.unit)]),
    ),
  }));
  const format = (value: unknown) =>
    typeof value === "number" ? formatFigure(spec.unit === "percent" ? value / 100 : value, spec.unit) : "—";
  const captionId = `chart-${spec.title.replaceAll(" ", "-").toLowerCase()}`;
  const common = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
      <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={16} />
      <YAxis
        tick={{ fontSize: 11 }}
        width={64}
        tickFormatter={(v: number) => (spec.unit === "percent" ? `${v}%` : format(v))}
        domain={spec.unit === "percent" ? [0, 100] : [0, "auto"]}
      />
      <Tooltip formatter={(value) => format(value)} />
      <Legend wrapperStyle={{ fontSize: 12 }} />
    </>
  );
  return (
    <figure aria-labelledby={captionId} className="min-w-0 rounded bg-white p-3 shadow-sm">
      <figcaption id={captionId} className="text-sm font-medium">
        {spec.title} <span className="font-normal text-slate-500">by {CUT_LABEL[groupBy]}</span>
      </figcaption>
      <div
        className="mt-2 h-56"
        role="img"
        aria-label={`${spec.title} chart by ${CUT_LABEL[groupBy]}; the table below has the numbers.`}
      >
        <ResponsiveContainer width="100%" height="100%">
          {groupBy === "day" ? (
            <LineChart data={data}>
              {common}
              {spec.lines.map((l) => (
                <Line
                  key={l.key}
                  type="monotone"
                  dataKey={l.key}
                  name={l.label}
                  stroke={l.color}
                  dot={series.length <= 31}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          ) : (
            <BarChart data={data}>
              {common}
              {spec.lines.map((l) => (
                <Bar key={l.key} dataKey={l.key} name={l.label} fill={l.color} isAnimationActive={false} />
              ))}
            </BarChart>
          )}
        </ResponsiveContainer>
      </div>
      <details className="mt-2 text-xs">
        <summary className="cursor-pointer text-sky-800">Show the numbers</summary>
        <div className="relative mt-1 overflow-x-auto">
          <table className="w-full">
            <caption className="sr-only">
              {spec.title} by {CUT_LABEL[groupBy]}
            </caption>
            <thead className="text-left text-slate-500">
              <tr>
                <th scope="col" className="py-0.5 pr-2">
                  {CUT_LABEL[groupBy]}
                </th>
                {spec.lines.map((l) => (
                  <th key={l.key} scope="col" className="py-0.5 pr-2 text-right">
                    {l.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {series.map((p) => (
                <tr key={p.key} className="border-t border-slate-100">
                  <th scope="row" className="py-0.5 pr-2 text-left font-normal">
                    {p.label}
                  </th>
                  {spec.lines.map((l) => (
                    <td key={l.key} className="py-0.5 pr-2 text-right tabular-nums">
                      {formatFigure(p.figures[l.key] as number | null, spec.unit)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** The charts over time (or per policy version / model), drawn with Recharts. */
export function MetricCharts({ series, groupBy }: { series: SeriesPoint[]; groupBy: GroupBy }) {
  if (series.length === 0) {
    return <p className="mt-3 text-sm text-slate-600">Nothing to chart in this period.</p>;
  }
  return (
    <div className="mt-3 grid grid-cols-1 gap-4 lg:grid-cols-2">
      {CHARTS.map((spec) => (
        <Chart key={spec.title} spec={spec} series={series} groupBy={groupBy} />
      ))}
    </div>
  );
}
