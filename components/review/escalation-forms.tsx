"use client";

import { Button } from "@/components/ui/button";
import { TEAMS } from "@/lib/guardrails/rules";
import { LIMITS, URGENCIES } from "@/lib/review/schema";
import { FIELD, type FieldErrors, Form, TextField } from "./decision-forms";

export interface Escalation {
  team: string;
  reason: string;
  note: string;
}

export function EscalateForm(props: {
  uid: string;
  value: Escalation;
  onChange: (v: Escalation) => void;
  errors: FieldErrors;
  pending: boolean;
  onSubmit: () => void;
}) {
  const { uid, value, onChange, errors } = props;
  const teamError = errors.team?.[0];
  return (
    <Form onSubmit={props.onSubmit} className="grid gap-2 sm:grid-cols-2">
      <div>
        <label htmlFor={`${uid}-team`} className="block text-sm font-medium">
          Team
        </label>
        <select
          id={`${uid}-team`}
          value={value.team}
          onChange={(e) => onChange({ ...value, team: e.target.value })}
          aria-invalid={teamError ? true : undefined}
          aria-describedby={`${uid}-team-note`}
          className={FIELD}
        >
          {TEAMS.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <p id={`${uid}-team-note`} className="mt-0.5 text-xs text-red-800">
          {teamError}
        </p>
      </div>
      <TextField
        id={`${uid}-reason`}
        label="Reason for escalating"
        field="reason for escalating"
        name="reason"
        value={value.reason}
        onChange={(reason) => onChange({ ...value, reason })}
        max={LIMITS.reason}
        errors={errors}
        autoFocus
      />
      <div className="sm:col-span-2">
        <TextField
          id={`${uid}-note`}
          label="Note for the team"
          field="note for the team"
          name="note"
          value={value.note}
          onChange={(note) => onChange({ ...value, note })}
          max={LIMITS.note}
          errors={errors}
          rows={2}
        />
      </div>
      <Button type="submit" variant="escalate" disabled={props.pending} className="w-fit">
        Confirm escalation
      </Button>
    </Form>
  );
}

export interface EscalationEdits {
  team: string;
  urgency: string;
  note: string;
}

function Choice(props: {
  id: string;
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
  error?: string;
}) {
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium">
        {props.label}
      </label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={`${props.id}-note`}
        className={FIELD}
      >
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      <p id={`${props.id}-note`} className="mt-0.5 text-xs text-red-800">
        {props.error}
      </p>
    </div>
  );
}

/** An escalation's arguments, changed before approving; the server checks them against the policy again. */
export function EditEscalationForm(props: {
  uid: string;
  value: EscalationEdits;
  onChange: (v: EscalationEdits) => void;
  errors: FieldErrors;
  pending: boolean;
  onSubmit: () => void;
}) {
  const { uid, value, onChange, errors } = props;
  return (
    <Form onSubmit={props.onSubmit} className="grid gap-2 sm:grid-cols-2">
      <Choice
        id={`${uid}-edit-team`}
        label="Team"
        value={value.team}
        options={TEAMS}
        onChange={(team) => onChange({ ...value, team })}
        error={errors.team?.[0]}
      />
      <Choice
        id={`${uid}-edit-urgency`}
        label="Urgency"
        value={value.urgency}
        options={URGENCIES}
        onChange={(urgency) => onChange({ ...value, urgency })}
        error={errors.urgency?.[0]}
      />
      <div className="sm:col-span-2">
        <TextField
          id={`${uid}-edit-note`}
          label="Note for the team"
          field="note for the team"
          name="note"
          value={value.note}
          onChange={(note) => onChange({ ...value, note })}
          max={LIMITS.note}
          errors={errors}
          rows={2}
        />
      </div>
      <Button type="submit" variant="approve" disabled={props.pending} className="w-fit">
        Approve edited escalation
      </Button>
    </Form>
  );
}
