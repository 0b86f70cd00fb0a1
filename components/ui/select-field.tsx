import type { SelectHTMLAttributes } from "react";
import { CONTROL_CLASS, Field, type FieldProps, fieldErrorId } from "./field";

export interface SelectOption {
  value: string;
  label: string;
}

/**
 * A labelled select with its error text, tied to it by aria-describedby. `options` are listed in
 * order; every other attribute (`name`, `defaultValue`, `required`...) goes to the select.
 */
export function SelectField({
  id,
  label,
  error,
  options,
  className,
  ...select
}: FieldProps & { options: readonly SelectOption[] } & Omit<
    SelectHTMLAttributes<HTMLSelectElement>,
    "id" | "children"
  >) {
  return (
    <Field id={id} label={label} error={error}>
      <select
        id={id}
        aria-describedby={fieldErrorId(id)}
        className={className ? `${CONTROL_CLASS} ${className}` : CONTROL_CLASS}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
