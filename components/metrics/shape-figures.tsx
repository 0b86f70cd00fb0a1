import { formatMicroUsd, formatMs } from "@/lib/format-cost";
import type { MetricsReport } from "@/lib/metrics/report";

const share = (n: number, of: number) => (of === 0 ? "—" : `${Math.round((100 * n) / of)} %`);

/** The period's runs cut by agent shape. */
export function ShapeTable({ shapes }: { shapes: MetricsReport["shapes"] }) {
  return (
    <table className="mt-2 w-full text-sm">
      <caption className="sr-only">Runs by agent shape</caption>
      <thead>
        <tr className="text-left text-slate-500">
          <th className="font-normal">shape</th>
          <th className="font-normal">runs</th>
          <th className="font-normal">escalated</th>
          <th className="font-normal">approved of decided</th>
          <th className="font-normal">tokens per run</th>
          <th className="font-normal">cost per run</th>
          <th className="font-normal">median latency</th>
        </tr>
      </thead>
      <tbody className="tabular-nums">
        {shapes.map((s) => (
          <tr key={s.shape}>
            <th scope="row" className="text-left font-medium">
              {s.shape}
            </th>
            <td>{s.runs}</td>
            <td>{share(s.escalatedRuns, s.runs)}</td>
            <td>{share(s.approved, s.decided)}</td>
            <td>{s.avgTokens === null ? "—" : Math.round(s.avgTokens)}</td>
            <td>{s.avgCostMicroUsd === null ? "—" : formatMicroUsd(Math.round(s.avgCostMicroUsd))}</td>
            <td>{formatMs(s.p50LatencyMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Whether the team's reviewer agent is worth its cost: its verdicts against people's decisions. */
export function ReviewerAgent({ figures: f }: { figures: MetricsReport["reviewerAgent"] }) {
  if (f.verdicts === 0)
    return <p className="mt-2 text-sm text-slate-600">No run of the team shape in this period.</p>;
  return (
    <p className="mt-2 text-sm">
      {f.verdicts} verdicts ({f.passed} passed) for {f.tokens.toLocaleString("en-US")} tokens and{" "}
      {formatMicroUsd(f.costMicroUsd)}. Of {f.compared} replies a person then decided, it agreed on {f.agreed}{" "}
      ({share(f.agreed, f.compared)}) and passed {f.passedButRejected} that the person rejected or escalated.
    </p>
  );
}
