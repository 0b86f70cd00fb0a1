import { Badge, type Tone } from "@/components/ui/badge";
import type { RunSummary, Step } from "@/db/queries/runs";
import { formatMicroUsd, formatMs } from "@/lib/format-cost";
import { RawValue } from "./raw-value";
import { stepStandsOut, summarizeStep } from "./step-summary";

const KIND_TONE: Record<string, Tone> = {
  triage: "info",
  route: "neutral",
  plan: "info",
  tool_call: "neutral",
  guardrail: "danger",
  reflection: "info",
  verification: "ok",
  recovery: "warn",
  cache: "neutral",
  action: "ok",
  error: "danger",
};

const RUN_TONE: Record<string, Tone> = {
  succeeded: "ok",
  fell_back: "warn",
  failed: "danger",
  running: "info",
};

const ROW_STYLE = {
  danger: "border-l-4 border-red-600 bg-red-50",
  warn: "border-l-4 border-amber-500 bg-amber-50",
  check: "border-l-4 border-emerald-600",
  none: "border-l-4 border-transparent",
};

/** The decision chain of one run as a trace: one line per step, its duration against the slowest, tokens and cost. */
export function DecisionChain({ run, steps }: { run: RunSummary; steps: Step[] }) {
  const slowest = Math.max(1, ...steps.map((s) => s.latencyMs ?? 0));
  return (
    <section aria-label="Decision chain" className="rounded bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-lg font-semibold">Decision chain</h2>
        <Badge tone={RUN_TONE[run.status] ?? "neutral"}>{run.status.replace("_", " ")}</Badge>
        {run.model === "offline" ? <Badge tone="info">offline model</Badge> : <Badge>{run.model}</Badge>}
        {run.cacheHit ? <Badge>cached decision</Badge> : null}
        <span className="text-xs text-slate-600">policy v{run.policyVersion ?? "?"}</span>
      </div>
      <p className="mt-1 text-xs break-words text-slate-600">
        Route: {run.routeRule ?? "—"} · {run.inputTokens + run.outputTokens} tokens ·{" "}
        {formatMicroUsd(run.costMicroUsd)} · {formatMs(run.latencyMs)}
        {run.guidance ? <> · Reviewer guidance: “{run.guidance}”</> : null}
        {run.error ? <> · Error: {run.error}</> : null}
      </p>
      <ol className="mt-3 divide-y divide-slate-100 text-sm">
        {steps.map((step) => {
          const standout = stepStandsOut(step);
          const check = step.kind === "verification" ? (step.output as { passed?: boolean } | null) : null;
          return (
            <li key={step.id} className={`py-1.5 pl-2 ${ROW_STYLE[standout ?? "none"]}`}>
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <span className="w-5 text-right text-xs text-slate-600 tabular-nums">{step.seq}</span>
                <Badge tone={check ? (check.passed ? "ok" : "danger") : (KIND_TONE[step.kind] ?? "neutral")}>
                  {step.kind.replace("_", " ")}
                </Badge>
                {check ? (
                  <span role="img" aria-label={check.passed ? "passed" : "failed"}>
                    {check.passed ? "✓" : "✗"}
                  </span>
                ) : null}
                <span
                  className={`min-w-0 flex-1 break-words ${standout === "danger" ? "font-medium text-red-900" : ""}`}
                >
                  {summarizeStep(step)}
                </span>
              </div>
              <div className="mt-1 flex flex-wrap items-center gap-2 pl-7 text-xs text-slate-600">
                <meter
                  aria-label={`Duration of step ${step.seq}`}
                  min={0}
                  max={slowest}
                  value={step.latencyMs ?? 0}
                  className="h-2 w-24"
                />
                <span className="tabular-nums">{formatMs(step.latencyMs)}</span>
                {step.inputTokens + step.outputTokens > 0 ? (
                  <span className="tabular-nums">
                    {step.inputTokens}+{step.outputTokens} tok
                  </span>
                ) : null}
                {step.costMicroUsd > 0 ? (
                  <span className="tabular-nums">{formatMicroUsd(step.costMicroUsd)}</span>
                ) : null}
                <span className="text-slate-600">{step.name}</span>
              </div>
              <div className="pl-7">
                <RawValue label="Input" value={step.input} />
                <RawValue label="Output" value={step.output} />
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
