import type { RuleFigures } from "@/lib/guardrails/figures";
import { firedSummary } from "@/lib/metrics/rule-fired";

const pct = (rate: number) => `${Math.round(rate * 100)}%`;

/** One line of figures for a rule: fired, blocked, forced escalations, overridden. */
export function RuleFigureLine({ figures }: { figures: RuleFigures | undefined }) {
  if (!figures || (figures.firedRuns === 0 && figures.blocks === 0 && figures.escalations === 0)) {
    return <p className="mt-1 text-xs text-slate-500">Has not fired yet.</p>;
  }
  return (
    <p className="mt-1 text-xs text-slate-600">
      {firedSummary({
        firedRuns: figures.firedRuns,
        blocks: figures.blocks,
        forcedEscalations: figures.escalations,
      })}{" "}
      · overridden {figures.overrides} of {figures.reviewed} reviewed
      {figures.overrideRate === null ? "" : ` (${pct(figures.overrideRate)})`}
    </p>
  );
}

/** Figures of rule ids the published version does not have: dropped rules, fail-closed and verification checks. */
export function OtherRuleFigures({ rows }: { rows: { label: string; figures: RuleFigures }[] }) {
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="other-figures-heading" className="rounded bg-white p-5 shadow-sm">
      <h2 id="other-figures-heading" className="text-lg font-semibold">
        Figures of rules not in the published version
      </h2>
      <p className="text-sm text-slate-600">
        Rules of earlier versions, verification checks and the fail-closed policy, by rule id.
      </p>
      <table className="mt-2 w-full text-left text-sm">
        <thead className="text-xs text-slate-500">
          <tr>
            <th className="py-1">Rule</th>
            <th className="py-1 text-right">Fired (runs)</th>
            <th className="py-1 text-right">Blocks</th>
            <th className="py-1 text-right">Escalations forced</th>
            <th className="py-1 text-right">Overridden / reviewed</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ label, figures }) => (
            <tr key={figures.ruleId} className="border-t border-slate-100">
              <td className="py-1">
                {label} <code className="text-xs text-slate-500">{figures.ruleId}</code>
              </td>
              <td className="py-1 text-right">{figures.firedRuns}</td>
              <td className="py-1 text-right">{figures.blocks}</td>
              <td className="py-1 text-right">{figures.escalations}</td>
              <td className="py-1 text-right">
                {figures.overrides} / {figures.reviewed}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
