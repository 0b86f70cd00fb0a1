import Link from "next/link";
import { formatFigure } from "@/lib/metrics/definitions";
import type { MetricsReport } from "@/lib/metrics/report";

const METRIC_LABEL = { escalationRate: "Escalation rate", hallucinationRate: "Hallucination rate" } as const;

function TicketsLink({ href, count, noun = "ticket" }: { href: string; count: number; noun?: string }) {
  return (
    <Link href={href} className="text-sky-800 underline">
      {count} {noun}
      {count === 1 ? "" : "s"}
    </Link>
  );
}

/** Fired / blocked / forced / overridden per guardrail rule, for runs started in the period. */
export function RuleTable({ rules }: { rules: MetricsReport["rules"] }) {
  if (rules.length === 0)
    return <p className="mt-2 text-sm text-slate-600">No guardrail rule fired in this period.</p>;
  return (
    <div className="relative mt-2 overflow-x-auto">
      <table className="w-full rounded bg-white text-sm shadow-sm">
        <caption className="sr-only">Guardrail rules</caption>
        <thead className="bg-slate-100 text-left">
          <tr>
            <th scope="col" className="px-3 py-2">
              Rule
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Fired (runs)
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Blocks
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Forced escalations
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Reviewer overrides
            </th>
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Tickets</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.ruleId} className="border-t border-slate-100">
              <th scope="row" className="px-3 py-2 text-left font-normal">
                {r.name}
                <div className="text-xs text-slate-500">{r.ruleId}</div>
              </th>
              <td className="px-3 py-2 text-right tabular-nums">{r.fired}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.blocks}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.forcedEscalations}</td>
              <td className="px-3 py-2 text-right tabular-nums">
                {r.overrides}
                {r.forcedEscalations > 0 ? (
                  <span className="text-xs text-slate-500">
                    {" "}
                    ({formatFigure(r.overrides / r.forcedEscalations, "percent")})
                  </span>
                ) : null}
              </td>
              <td className="px-3 py-2">
                <Link href={r.ticketsHref} className="text-sky-800 underline">
                  Tickets<span className="sr-only"> where {r.ruleId} fired</span>
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TopReasons({ reasons }: { reasons: MetricsReport["topReasons"] }) {
  if (reasons.length === 0)
    return <p className="mt-2 text-sm text-slate-600">No reviewer gave a reason tag in this period.</p>;
  return (
    <ol className="mt-2 space-y-1 text-sm">
      {reasons.map((r) => (
        <li key={r.tag} className="flex justify-between gap-3 rounded bg-white px-3 py-2 shadow-sm">
          <span>
            {r.label} <span className="text-slate-500">· {r.reviews} reviews</span>
          </span>
          <TicketsLink href={r.ticketsHref} count={r.tickets} />
        </li>
      ))}
    </ol>
  );
}

export function FailingChecks({ checks }: { checks: MetricsReport["failingChecks"] }) {
  if (checks.length === 0)
    return <p className="mt-2 text-sm text-slate-600">No verification check failed in this period.</p>;
  return (
    <ol className="mt-2 space-y-1 text-sm">
      {checks.map((c) => (
        <li key={c.check} className="flex justify-between gap-3 rounded bg-white px-3 py-2 shadow-sm">
          <span>
            {c.check.replaceAll("_", " ")} <span className="text-slate-500">· failed {c.failures} times</span>
          </span>
          <TicketsLink href={c.ticketsHref} count={c.tickets} />
        </li>
      ))}
    </ol>
  );
}

export function Anomalies({ anomalies }: { anomalies: MetricsReport["anomalies"] }) {
  if (anomalies.length === 0) {
    return (
      <p className="mt-2 text-sm text-slate-600">
        No day in this period has an escalation or hallucination rate more than 3 standard deviations from its
        trailing 14 days.
      </p>
    );
  }
  return (
    <ul className="mt-2 space-y-1 text-sm">
      {anomalies.map((a) => (
        <li
          key={`${a.day}-${a.metric}`}
          className="rounded border-l-4 border-amber-500 bg-white px-3 py-2 shadow-sm"
        >
          <span className="font-medium">
            {a.day}: {METRIC_LABEL[a.metric]} {formatFigure(a.value, "percent")}
          </span>{" "}
          <span className="text-slate-600">
            ({a.count} {a.metric === "escalationRate" ? "tickets decided" : "replies reviewed"}) against{" "}
            {formatFigure(a.baselineMean, "percent")} ± {formatFigure(a.baselineSd, "percent")} over the{" "}
            {a.baselineDays} days before:{" "}
            {a.deviations === null
              ? `a change from a rate that never varied`
              : `${Math.abs(a.deviations).toFixed(1)} standard deviations ${a.direction === "up" ? "above" : "below"}`}
            .
          </span>{" "}
          <Link href={a.ticketsHref} className="text-sky-800 underline">
            View its tickets<span className="sr-only"> for {a.day}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
