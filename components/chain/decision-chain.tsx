import { Badge, type Tone } from "@/components/ui/badge";
import type { RunSummary, Step } from "@/db/queries/runs";
import { formatMicroUsd, formatMs } from "@/lib/format-cost";

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

function Json({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-xs text-slate-600">{label}</summary>
      {/* Model and tool output is untrusted: rendered as text, never as HTML. */}
      <pre className="mt-1 max-h-72 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap break-words">
        {JSON.stringify(value, null, 2)}
      </pre>
    </details>
  );
}

function guardrailSummary(step: Step): string | null {
  const out = step.output as Record<string, unknown> | null;
  if (!out) return null;
  if (out.blocked) {
    const tried = (step.input as { tool?: string } | null)?.tool;
    return `Blocked ${tried ?? "a call"}: ${out.rule} — ${out.reason}`;
  }
  if (out.escalationRequired)
    return `${out.rule} requires escalation to ${out.team} (matched “${out.matched}”)`;
  if (out.failedClosed) return `Policy failed closed: ${out.error}`;
  if (out.escalated) return String(out.reason);
  return null;
}

/** The triage reading in words: intent, risk category and in-scope score with their confidences. */
function triageSummary(step: Step): string | null {
  const out = step.output as {
    intent?: string;
    intentConfidence?: number;
    category?: string;
    categoryConfidence?: number;
    inScope?: number;
  } | null;
  if (!out?.intent) return null;
  const pct = (p = 0) => `${Math.round(p * 100)} %`;
  return `Intent ${out.intent} (${pct(out.intentConfidence)}), risk ${out.category} (${pct(out.categoryConfidence)}), in scope ${pct(out.inScope)}`;
}

function verificationSummary(step: Step): { passed: boolean; detail: string } | null {
  const out = step.output as { passed?: boolean; detail?: string } | null;
  return out && typeof out.passed === "boolean" ? { passed: out.passed, detail: out.detail ?? "" } : null;
}

/** The decision chain of one run: every step, its cost and latency, and the run's totals. */
export function DecisionChain({ run, steps }: { run: RunSummary; steps: Step[] }) {
  return (
    <section aria-label="Decision chain" className="rounded bg-white p-5 shadow-sm">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-lg font-semibold">Decision chain</h2>
        <Badge tone={RUN_TONE[run.status] ?? "neutral"}>{run.status.replace("_", " ")}</Badge>
        {run.model === "offline" ? <Badge tone="info">offline model</Badge> : <Badge>{run.model}</Badge>}
        {run.cacheHit ? <Badge>cached decision</Badge> : null}
        <span className="text-xs text-slate-500">policy v{run.policyVersion ?? "?"}</span>
      </div>
      <p className="mt-1 text-xs text-slate-600">
        Route: {run.routeRule ?? "—"} · {run.inputTokens + run.outputTokens} tokens ·{" "}
        {formatMicroUsd(run.costMicroUsd)} · {formatMs(run.latencyMs)}
        {run.guidance ? <> · Reviewer guidance: “{run.guidance}”</> : null}
        {run.error ? <> · Error: {run.error}</> : null}
      </p>
      <ol className="mt-4 space-y-2">
        {steps.map((step) => {
          const guard = step.kind === "guardrail" ? guardrailSummary(step) : null;
          const check = step.kind === "verification" ? verificationSummary(step) : null;
          const highlight = step.kind === "guardrail" || (check && !check.passed) || step.kind === "error";
          return (
            <li
              key={step.id}
              className={`rounded border p-2 text-sm ${highlight ? "border-red-300 bg-red-50" : step.kind === "recovery" ? "border-amber-300 bg-amber-50" : "border-slate-200"}`}
            >
              <div className="flex flex-wrap items-center gap-2">
                <span className="w-6 text-right text-xs text-slate-400">{step.seq}</span>
                <Badge tone={check ? (check.passed ? "ok" : "danger") : (KIND_TONE[step.kind] ?? "neutral")}>
                  {step.kind.replace("_", " ")}
                </Badge>
                <span className="font-medium">{step.name}</span>
                {check ? (
                  <span role="img" aria-label={check.passed ? "passed" : "failed"}>
                    {check.passed ? "✓" : "✗"}
                  </span>
                ) : null}
                <span className="ml-auto text-xs text-slate-500">
                  {step.inputTokens + step.outputTokens > 0
                    ? `${step.inputTokens}+${step.outputTokens} tok · `
                    : ""}
                  {step.costMicroUsd > 0 ? `${formatMicroUsd(step.costMicroUsd)} · ` : ""}
                  {formatMs(step.latencyMs)}
                </span>
              </div>
              {guard ? <p className="mt-1 text-red-900">{guard}</p> : null}
              {step.kind === "triage" ? <p className="mt-1 text-slate-700">{triageSummary(step)}</p> : null}
              {check ? <p className="mt-1 text-slate-700">{check.detail}</p> : null}
              <Json label="Input" value={step.input} />
              <Json label="Output" value={step.output} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}
