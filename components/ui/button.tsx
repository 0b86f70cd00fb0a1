import type { ButtonHTMLAttributes } from "react";

/** What a button does, by colour: one style per kind of action across the app. */
const VARIANTS = {
  primary: "rounded bg-brand px-3 py-1.5 font-medium text-white",
  approve: "rounded bg-emerald-700 px-3 py-1.5 font-medium text-white",
  escalate: "rounded bg-sky-800 px-3 py-1.5 font-medium text-white",
  danger: "rounded bg-red-800 px-3 py-1.5 font-medium text-white",
  outline:
    "rounded border border-slate-400 bg-white px-3 py-1.5 font-medium text-slate-900 hover:bg-slate-100 aria-pressed:bg-slate-200",
  link: "text-sky-800 underline",
} as const;

export type ButtonVariant = keyof typeof VARIANTS;

/** The app's button: `type="button"` unless told otherwise, so it never submits a form by accident. */
export function Button({
  variant = "outline",
  className,
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant }) {
  return (
    <button
      type={type}
      className={`text-sm disabled:opacity-50 ${VARIANTS[variant]}${className ? ` ${className}` : ""}`}
      {...props}
    />
  );
}
