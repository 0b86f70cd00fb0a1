import { Badge, type Tone } from "@/components/ui/badge";
import type { RunSummary, Step } from "@/db/queries/runs";
import { formatMicroUsd, formatMs } from "@/lib/format-cost";
import { ChainNodes } from "./chain-nodes";
import { chainTree } from "./chain-tree";

const RUN_TONE: Record<string, Tone> = {
  succeeded: "ok",
  fell_back: "warn",
  failed: "danger",
  running: "info",
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
      <ChainNodes nodes={chainTree(steps)} slowest={slowest} />
    </section>
  );
}
