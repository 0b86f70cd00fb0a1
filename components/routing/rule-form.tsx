"use client";

import { useActionState, useId } from "react";
import { saveRuleAction } from "@/app/(app)/routing/actions";
import { Button } from "@/components/ui/button";
import { InputField } from "@/components/ui/input-field";
import { SelectField } from "@/components/ui/select-field";
import type { RoutingRuleRow } from "@/db/queries/routing";
import type { ActionResult } from "@/lib/errors";
import { MATCH_VALUES } from "@/lib/routing/match";
import { CheckboxGroup, FieldError, fieldError, SaveOutcome } from "./form-bits";

const CONDITIONS = [
  { name: "kinds", legend: "Kind of action", values: MATCH_VALUES.kinds },
  { name: "teams", legend: "Escalation team", values: MATCH_VALUES.teams },
  { name: "categories", legend: "Triage category", values: MATCH_VALUES.categories },
  { name: "tiers", legend: "Customer tier", values: MATCH_VALUES.tiers },
] as const;

/** A routing rule: its group and the conditions (each optional) an action must meet. */
export function RuleForm({
  rule,
  groups,
  policyRuleIds,
}: {
  rule?: RoutingRuleRow;
  groups: { id: string; name: string }[];
  policyRuleIds: string[];
}) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(saveRuleAction, { ok: true });
  const id = useId();
  const match = rule?.match ?? {};
  return (
    <form action={action} className="space-y-3" aria-label={rule ? `Edit rule ${rule.name}` : "New rule"}>
      {rule ? <input type="hidden" name="id" value={rule.id} /> : null}
      <div className="flex flex-wrap gap-4">
        <InputField
          id={`${id}-name`}
          label="Rule name"
          error={fieldError(state, "name")}
          name="name"
          required
          maxLength={120}
          defaultValue={rule?.name}
          className="w-72"
        />
        <SelectField
          id={`${id}-group`}
          label="Send to group"
          error={fieldError(state, "groupId")}
          name="groupId"
          defaultValue={rule?.groupId ?? ""}
          options={[
            { value: "", label: "Choose a group" },
            ...groups.map((g) => ({ value: g.id, label: g.name })),
          ]}
        />
        <label className="flex items-center gap-2 self-center text-sm">
          <input type="checkbox" name="enabled" defaultChecked={rule?.enabled ?? true} />
          Enabled
        </label>
      </div>
      <p className="text-xs text-slate-600">
        An action matches when it meets every condition you tick a value in (any of the values ticked).
      </p>
      <FieldError id={`${id}-match-error`} state={state} field="match" />
      {CONDITIONS.map((c) => (
        <CheckboxGroup
          key={c.name}
          legend={c.legend}
          name={c.name}
          values={c.values}
          checked={match[c.name] ?? []}
          errorId={`${id}-${c.name}-error`}
          state={state}
        />
      ))}
      <details open={Boolean(match.intents?.length)}>
        <summary className="cursor-pointer text-sm font-medium">
          Triage intent ({match.intents?.length ?? 0} chosen)
        </summary>
        <CheckboxGroup
          legend="Triage intent"
          name="intents"
          values={MATCH_VALUES.intents}
          checked={match.intents ?? []}
          errorId={`${id}-intents-error`}
          state={state}
        />
      </details>
      <CheckboxGroup
        legend="A policy rule fired in the run"
        name="firedRules"
        values={[...new Set([...policyRuleIds, ...(match.firedRules ?? [])])]}
        checked={match.firedRules ?? []}
        errorId={`${id}-firedRules-error`}
        state={state}
        hint="Rules of the published policy."
      />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? "Saving…" : rule ? "Save rule" : "Add rule"}
      </Button>
      <SaveOutcome state={state} />
    </form>
  );
}
