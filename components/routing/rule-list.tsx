"use client";

import { useActionState } from "react";
import { deleteRuleAction, moveRuleAction } from "@/app/(app)/routing/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { RoutingRuleRow } from "@/db/queries/routing";
import type { ActionResult } from "@/lib/errors";
import { MATCH_FIELDS } from "@/lib/routing/match";
import { SaveOutcome } from "./form-bits";
import { RuleForm } from "./rule-form";

const FIELD_LABELS: Record<(typeof MATCH_FIELDS)[number], string> = {
  kinds: "kind",
  teams: "team",
  categories: "category",
  intents: "intent",
  tiers: "tier",
  firedRules: "fired",
};

/** The rules in the order they are tried, each with move, edit and delete. */
export function RuleList({
  rules,
  groups,
  policyRuleIds,
}: {
  rules: RoutingRuleRow[];
  groups: { id: string; name: string }[];
  policyRuleIds: string[];
}) {
  const [moved, move, moving] = useActionState<ActionResult, FormData>(moveRuleAction, { ok: true });
  const [deleted, remove, deleting] = useActionState<ActionResult, FormData>(deleteRuleAction, { ok: true });
  const groupName = (id: string) => groups.find((g) => g.id === id)?.name ?? "a deleted group";
  return (
    <div className="space-y-3">
      <SaveOutcome state={moved} />
      <SaveOutcome state={deleted} />
      {rules.length === 0 ? (
        <p className="text-sm text-slate-600">No rules yet: every action goes to the default group.</p>
      ) : (
        <ol className="space-y-2" aria-label="Routing rules in order">
          {rules.map((rule, i) => (
            <li key={rule.id} className="rounded bg-white p-3 shadow-sm">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">
                  {i + 1}. {rule.name}
                </span>
                <span className="text-sm text-slate-600">→ {groupName(rule.groupId)}</span>
                {rule.enabled ? null : <Badge tone="warn">disabled</Badge>}
                {MATCH_FIELDS.filter((f) => rule.match[f]?.length).map((f) => (
                  <Badge key={f}>
                    {FIELD_LABELS[f]}: {rule.match[f]?.join(", ")}
                  </Badge>
                ))}
                <span className="ml-auto flex gap-1">
                  {(["up", "down"] as const).map((direction) => (
                    <form key={direction} action={move}>
                      <input type="hidden" name="id" value={rule.id} />
                      <input type="hidden" name="direction" value={direction} />
                      <Button
                        type="submit"
                        disabled={moving || (direction === "up" ? i === 0 : i === rules.length - 1)}
                        aria-label={`Move ${rule.name} ${direction}`}
                      >
                        {direction === "up" ? "↑" : "↓"}
                      </Button>
                    </form>
                  ))}
                  <form action={remove}>
                    <input type="hidden" name="id" value={rule.id} />
                    <Button
                      type="submit"
                      variant="danger"
                      disabled={deleting}
                      aria-label={`Delete rule ${rule.name}`}
                    >
                      Delete
                    </Button>
                  </form>
                </span>
              </div>
              <details className="mt-2">
                <summary className="cursor-pointer text-sm text-sky-800">Edit {rule.name}</summary>
                <div className="mt-2">
                  <RuleForm rule={rule} groups={groups} policyRuleIds={policyRuleIds} />
                </div>
              </details>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
