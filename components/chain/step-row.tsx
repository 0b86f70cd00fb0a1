import { Badge, type Tone } from "@/components/ui/badge";
import type { Step } from "@/db/queries/runs";
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
  scope: "neutral",
};

const ROW_STYLE = {
  danger: "border-l-4 border-red-600 bg-red-50",
  warn: "border-l-4 border-amber-500 bg-amber-50",
  check: "border-l-4 border-emerald-600",
  none: "border-l-4 border-transparent",
};

/** One step of the decision chain: its kind, what it did, its duration against the slowest, tokens and cost. */
export function StepRow({ step, slowest }: { step: Step; slowest: number }) {
  const standout = stepStandsOut(step);
  const check = step.kind === "verification" ? (step.output as { passed?: boolean } | null) : null;
  return (
    <li className={`py-1.5 pl-2 ${ROW_STYLE[standout ?? "none"]}`}>
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
}
