import type { ReactNode } from "react";
import { FieldErrorText } from "@/components/ui/field";
import type { ActionResult } from "@/lib/errors";

/** The server's message for one field of a save, if it refused the value. */
export function fieldError(state: ActionResult, field: string): string | undefined {
  return state.ok ? undefined : state.fieldErrors?.[field]?.join(" ");
}

/** A field's server error, tied to the field (or fieldset) by `id` (aria-describedby). */
export function FieldError({ id, state, field }: { id: string; state: ActionResult; field: string }) {
  return <FieldErrorText id={id} error={fieldError(state, field)} />;
}

/** What a save said: the outcome for everyone, the error as an alert. */
export function SaveOutcome({ state }: { state: ActionResult }) {
  if (!state.ok)
    return (
      <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
        {state.error}
      </p>
    );
  return state.message ? (
    <p role="status" className="rounded bg-emerald-50 px-2 py-1 text-sm text-emerald-900">
      {state.message}
    </p>
  ) : null;
}

/** A condition or a choice of several values, as labelled checkboxes. */
export function CheckboxGroup({
  legend,
  name,
  values,
  checked,
  errorId,
  state,
  hint,
}: {
  legend: string;
  name: string;
  values: readonly string[];
  checked: readonly string[];
  errorId: string;
  state: ActionResult;
  hint?: ReactNode;
}) {
  return (
    <fieldset aria-describedby={errorId}>
      <legend className="text-sm font-medium">{legend}</legend>
      {hint ? <p className="text-xs text-slate-600">{hint}</p> : null}
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {values.map((value) => (
          <label key={value} className="flex items-center gap-1 text-sm">
            <input type="checkbox" name={name} value={value} defaultChecked={checked.includes(value)} />
            {value.replaceAll("_", " ")}
          </label>
        ))}
      </div>
      <FieldError id={errorId} state={state} field={name} />
    </fieldset>
  );
}
