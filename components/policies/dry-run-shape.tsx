import { formatMicroUsd, formatMs } from "@/lib/format-cost";
import type { DryRunShape } from "@/lib/guardrails/dry-run-shape";

/** The draft's agent shape against the published one, with what runs of each spent in the last 30 days. */
export function DryRunShapeSummary({ shape }: { shape: DryRunShape }) {
  return (
    <section aria-label="Agent shape" className="text-sm">
      <p>
        {shape.published === shape.draft
          ? `Agent shape: ${shape.draft} (unchanged).`
          : `Agent shape: ${shape.published} → ${shape.draft}. New runs use the ${shape.draft} shape behind the same gate, verification and budgets.`}
      </p>
      <table className="mt-1 text-xs">
        <caption className="sr-only">Runs of each shape in the last 30 days</caption>
        <thead>
          <tr className="text-left text-slate-500">
            <th className="pr-3 font-normal">shape</th>
            <th className="pr-3 font-normal">runs (30 days)</th>
            <th className="pr-3 font-normal">escalated</th>
            <th className="pr-3 font-normal">tokens per run</th>
            <th className="pr-3 font-normal">cost per run</th>
            <th className="font-normal">median latency</th>
          </tr>
        </thead>
        <tbody>
          {shape.figures.map((f) => (
            <tr key={f.shape}>
              <td className="pr-3">{f.shape}</td>
              <td className="pr-3 tabular-nums">{f.runs}</td>
              <td className="pr-3 tabular-nums">{f.escalatedRuns}</td>
              <td className="pr-3 tabular-nums">{f.avgTokens === null ? "—" : Math.round(f.avgTokens)}</td>
              <td className="pr-3 tabular-nums">
                {f.avgCostMicroUsd === null ? "—" : formatMicroUsd(Math.round(f.avgCostMicroUsd))}
              </td>
              <td className="tabular-nums">{formatMs(f.p50LatencyMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
