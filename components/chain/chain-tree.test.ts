import { describe, expect, it } from "vitest";
import type { Step } from "@/db/queries/runs";
import { type ChainNode, chainTree } from "./chain-tree";

let seq = 0;
const step = (
  kind: string,
  name: string,
  scope: string | null = null,
  parentScope: string | null = null,
  output: unknown = null,
) => ({ id: ++seq, seq, kind, name, scope, parentScope, output }) as unknown as Step;
const close = (name: string, parent: string | null, ok = true) =>
  step("scope", name, name, parent, {
    ok,
    totals: { steps: 1, inputTokens: 2, outputTokens: 3, costMicroUsd: 0, ms: 4 },
  });

const shape = (nodes: ChainNode[]): unknown[] =>
  nodes.map((n) => (n.type === "step" ? n.step.name : { [n.name]: shape(n.children), ok: n.ok }));

describe("chainTree", () => {
  it("nests sub-agents under their manager, each closed by its scope step", () => {
    const tree = chainTree([
      step("triage", "triage"),
      step("plan", "plan 1", "manager"),
      step("tool_call", "lookup_customer", "analyst", "manager"),
      close("analyst", "manager"),
      step("plan", "plan 2", "manager"),
      step("tool_call", "draft_reply", "writer", "manager"),
      close("writer", "manager"),
      step("verification", "facts_grounded", "reviewer", "manager"),
      close("reviewer", "manager", false),
      close("manager", null, false),
      step("plan", "plan 1", "manager"),
      close("manager", null),
      step("cache", "facts read"),
    ]);
    expect(shape(tree)).toEqual([
      "triage",
      {
        manager: [
          "plan 1",
          { analyst: ["lookup_customer"], ok: true },
          "plan 2",
          { writer: ["draft_reply"], ok: true },
          { reviewer: ["facts_grounded"], ok: false },
        ],
        ok: false,
      },
      { manager: ["plan 1"], ok: true },
      "facts read",
    ]);
    const manager = tree[1];
    expect(manager?.type === "group" ? manager.totals : null).toMatchObject({ inputTokens: 2, ms: 4 });
  });

  it("leaves a loop chain flat", () => {
    expect(shape(chainTree([step("plan", "plan 1"), step("tool_call", "lookup_orders")]))).toEqual([
      "plan 1",
      "lookup_orders",
    ]);
  });
});
