"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { FieldNote } from "@/components/ui/field-note";
import type { Grounding } from "@/lib/agent/grounding";
import { LIMITS } from "@/lib/review/schema";
import { EditDiff } from "./edit-diff";
import { groundEdited } from "./edit-grounding";

export type FieldErrors = Record<string, string[] | undefined>;

export const FIELD =
  "mt-1 block w-full rounded border border-slate-300 p-1 aria-[invalid=true]:border-red-700";

export function TextField({
  id,
  label,
  field,
  name,
  value,
  onChange,
  max,
  errors,
  rows,
  autoFocus,
}: {
  id: string;
  label: string;
  field: string;
  name: string;
  value: string;
  onChange: (v: string) => void;
  max: number;
  errors: FieldErrors;
  rows?: number;
  autoFocus?: boolean;
}) {
  const error = errors[name]?.[0];
  const props = {
    id,
    value,
    autoFocus,
    "aria-invalid": error || value.length > max ? true : undefined,
    "aria-describedby": `${id}-note`,
    className: FIELD,
  };
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {rows ? (
        <textarea {...props} rows={rows} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...props} onChange={(e) => onChange(e.target.value)} />
      )}
      <FieldNote id={`${id}-note`} field={field} length={value.length} max={max} error={error} />
    </div>
  );
}

export function Form({
  onSubmit,
  children,
  className,
}: {
  onSubmit: () => void;
  children: ReactNode;
  className?: string;
}) {
  return (
    <form
      className={className ?? "space-y-2"}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

function SentenceMarks({
  original,
  grounding,
  edited,
}: {
  original: string;
  grounding?: Grounding;
  edited: string;
}) {
  if (!grounding) return null;
  const flagged = groundEdited(original, grounding, edited).filter(
    (s) => s.support.type === "unsupported" || s.support.type === "new",
  );
  return (
    <section aria-label="Sentences without a source" className="rounded border border-slate-200 p-2 text-sm">
      {flagged.length === 0 ? (
        <p className="text-slate-700">Every sentence keeps a source from the verified draft.</p>
      ) : (
        <ul className="space-y-1">
          {flagged.map((s) => (
            <li key={s.text} className="break-words">
              <span className="underline decoration-red-700 decoration-wavy decoration-2">{s.text}</span>{" "}
              <span className="text-xs text-red-800">
                {s.support.type === "new" ? "(new: not checked against the sources)" : "(unsupported)"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function EditForm(props: {
  uid: string;
  original: string;
  grounding?: Grounding;
  value: string;
  onChange: (v: string) => void;
  errors: FieldErrors;
  pending: boolean;
  blocked: boolean;
  onSubmit: () => void;
}) {
  return (
    <Form onSubmit={props.onSubmit}>
      <TextField
        id={`${props.uid}-edit`}
        label="Edited reply"
        field="edited reply"
        name="finalText"
        value={props.value}
        onChange={props.onChange}
        max={LIMITS.finalText}
        errors={props.errors}
        rows={10}
        autoFocus
      />
      <SentenceMarks original={props.original} grounding={props.grounding} edited={props.value} />
      <EditDiff original={props.original} edited={props.value} />
      <Button type="submit" variant="approve" disabled={props.pending || props.blocked}>
        Approve edited reply
      </Button>
    </Form>
  );
}

export interface Rejection {
  reason: string;
  sendBack: boolean;
  guidance: string;
}

export function RejectForm(props: {
  uid: string;
  value: Rejection;
  onChange: (v: Rejection) => void;
  errors: FieldErrors;
  pending: boolean;
  onSubmit: () => void;
}) {
  const { uid, value, onChange, errors } = props;
  return (
    <Form onSubmit={props.onSubmit}>
      <TextField
        id={`${uid}-reject-reason`}
        label="Reason for rejecting"
        field="reason for rejecting"
        name="reason"
        value={value.reason}
        onChange={(reason) => onChange({ ...value, reason })}
        max={LIMITS.reason}
        errors={errors}
        autoFocus
      />
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={value.sendBack}
          onChange={(e) => onChange({ ...value, sendBack: e.target.checked })}
        />
        Send back to the agent with guidance
      </label>
      {value.sendBack ? (
        <TextField
          id={`${uid}-guidance`}
          label="Guidance for the agent"
          field="guidance for the agent"
          name="redraftGuidance"
          value={value.guidance}
          onChange={(guidance) => onChange({ ...value, guidance })}
          max={LIMITS.guidance}
          errors={errors}
          rows={2}
        />
      ) : null}
      <Button type="submit" variant="danger" disabled={props.pending}>
        Confirm rejection
      </Button>
    </Form>
  );
}
