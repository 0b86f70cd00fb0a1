import type { MetricsReport } from "@/lib/metrics/report";

const minutes = (value: number | null) => {
  if (value === null) return "—";
  if (value < 60) return `${value.toFixed(value < 10 ? 1 : 0)} min`;
  return `${(value / 60).toFixed(1)} h`;
};

/** Time to first review against the SLA, and what the system escalated past a hard limit. */
export function ReviewSla({ figures: f }: { figures: MetricsReport["reviewSla"] }) {
  if (f.reviews === 0)
    return <p className="mt-2 text-sm text-slate-600">No review decided in this period.</p>;
  const share = f.withinSlaShare === null ? "—" : `${(f.withinSlaShare * 100).toFixed(1)} %`;
  return (
    <dl className="mt-2 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
      <div>
        <dt className="text-slate-500">First review, median</dt>
        <dd className="text-lg font-semibold tabular-nums">{minutes(f.firstReviewP50Minutes)}</dd>
      </div>
      <div>
        <dt className="text-slate-500">First review, p90</dt>
        <dd className="text-lg font-semibold tabular-nums">{minutes(f.firstReviewP90Minutes)}</dd>
      </div>
      <div>
        <dt className="text-slate-500">Decided within SLA</dt>
        <dd className="text-lg font-semibold tabular-nums">
          {share}{" "}
          <span className="text-xs font-normal text-slate-500">
            ({f.withinSla} of {f.withSla} with an SLA)
          </span>
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">Escalated by the system past the hard limit</dt>
        <dd className="text-lg font-semibold tabular-nums">{f.hardLimitEscalations}</dd>
      </div>
    </dl>
  );
}
