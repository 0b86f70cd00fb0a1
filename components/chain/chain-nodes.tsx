import { Badge } from "@/components/ui/badge";
import { formatMicroUsd, formatMs } from "@/lib/format-cost";
import type { ChainGroup, ChainNode } from "./chain-tree";
import { StepRow } from "./step-row";

const STAGES = new Set(["validate_input", "process_request", "verify_output", "execute_action"]);

/** "Stage validate_input" or "Manager agent". */
export function groupLabel(name: string): string {
  return STAGES.has(name) ? `Stage ${name}` : `${name.charAt(0).toUpperCase()}${name.slice(1)} agent`;
}

/** A workflow stage or team agent: a disclosure named after it, its own totals in the summary. */
function GroupRow({ group, slowest }: { group: ChainGroup; slowest: number }) {
  const label = groupLabel(group.name);
  const t = group.totals;
  return (
    <li className="py-1.5">
      <details open aria-label={label} className="rounded border border-slate-200">
        <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-2 py-1 text-sm">
          <span className="font-medium">{label}</span>
          {group.ok === false ? <Badge tone="danger">failed</Badge> : null}
          {t ? (
            <span className="text-xs text-slate-600 tabular-nums">
              {t.steps} steps · {t.inputTokens + t.outputTokens} tokens · {formatMicroUsd(t.costMicroUsd)} ·{" "}
              {formatMs(t.ms)}
            </span>
          ) : null}
        </summary>
        <div className="pl-4">
          <ChainNodes nodes={group.children} slowest={slowest} />
        </div>
      </details>
    </li>
  );
}

/** The chain's steps, with stages and team agents nested as collapsible groups. */
export function ChainNodes({ nodes, slowest }: { nodes: ChainNode[]; slowest: number }) {
  return (
    <ol className="mt-3 divide-y divide-slate-100 text-sm">
      {nodes.map((node, i) =>
        node.type === "step" ? (
          <StepRow key={node.step.id} step={node.step} slowest={slowest} />
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: groups of one stored chain never move
          <GroupRow key={`${node.name}-${i}`} group={node} slowest={slowest} />
        ),
      )}
    </ol>
  );
}
