import type { ReactNode } from "react";

/** The look of a text, number or select control in a form; a caller adds only its width. */
export const CONTROL_CLASS = "mt-1 rounded border border-slate-300 px-2 py-1 text-sm";

/** The id of a field's error text: what the control's aria-describedby points at. */
export function fieldErrorId(id: string): string {
  return `${id}-error`;
}

/** A field's error text, always rendered so the control's aria-describedby points at an element. */
export function FieldErrorText({ id, error }: { id: string; error?: string }) {
  return (
    <p id={id} className="mt-0.5 text-xs text-red-800">
      {error}
    </p>
  );
}

export interface FieldProps {
  /** The control's id: the label's `htmlFor`; its error text is `fieldErrorId(id)`. */
  id: string;
  label: ReactNode;
  /** The server's message for the field, if it refused the value. */
  error?: string;
}

/**
 * A labelled form control with its error text under it. The control is the child; it must carry
 * `id` and `aria-describedby={fieldErrorId(id)}` (InputField and SelectField do).
 */
export function Field({ id, label, error, children }: FieldProps & { children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      <FieldErrorText id={fieldErrorId(id)} error={error} />
    </div>
  );
}
