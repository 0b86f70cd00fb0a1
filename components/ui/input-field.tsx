import type { InputHTMLAttributes } from "react";
import { CONTROL_CLASS, Field, type FieldProps, fieldErrorId } from "./field";

/**
 * A labelled text or number input with its error text, tied to it by aria-describedby.
 * Every other attribute (`name`, `type`, `min`, `required`, `defaultValue`...) goes to the input.
 */
export function InputField({
  id,
  label,
  error,
  className,
  ...input
}: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, "id">) {
  return (
    <Field id={id} label={label} error={error}>
      <input
        id={id}
        aria-describedby={fieldErrorId(id)}
        className={className ? `${CONTROL_CLASS} ${className}` : CONTROL_CLASS}
        {...input}
      />
    </Field>
  );
}
