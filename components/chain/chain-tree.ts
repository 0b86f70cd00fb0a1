import type { Step } from "@/db/queries/runs";

/** The totals a stage or team agent recorded on its closing `scope` step. */
export interface GroupTotals {
  steps: number;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  ms: number;
}

export interface ChainGroup {
  type: "group";
  /** The stage or agent name (`agent_steps.scope`). */
  name: string;
  children: ChainNode[];
  totals: GroupTotals | null;
  /** False when the stage or agent failed; null while it has no closing step. */
  ok: boolean | null;
}

export type ChainNode = { type: "step"; step: Step } | ChainGroup;

function totalsOf(step: Step): { totals: GroupTotals | null; ok: boolean | null } {
  const out = (step.output ?? {}) as { totals?: GroupTotals; ok?: boolean };
  return { totals: out.totals ?? null, ok: typeof out.ok === "boolean" ? out.ok : null };
}

/**
 * The chain as a tree: steps of a workflow stage or team agent inside its
 * group, a sub-agent's group inside its manager's, each group closed by its
 * `scope` step (which carries its totals). A loop run's chain stays flat.
 */
export function chainTree(steps: Step[]): ChainNode[] {
  const root: ChainNode[] = [];
  const open: ChainGroup[] = [];
  const container = () => open.at(-1)?.children ?? root;
  for (const step of steps) {
    const path = step.scope ? [...(step.parentScope ? [step.parentScope] : []), step.scope] : [];
    let keep = 0;
    while (keep < open.length && keep < path.length && open[keep]?.name === path[keep]) keep++;
    open.length = keep;
    for (const name of path.slice(keep)) {
      const group: ChainGroup = { type: "group", name, children: [], totals: null, ok: null };
      container().push(group);
      open.push(group);
    }
    if (step.kind === "scope" && step.scope === step.name) {
      const group = open.pop();
      if (group) Object.assign(group, totalsOf(step));
      continue;
    }
    container().push({ type: "step", step });
  }
  return root;
}
