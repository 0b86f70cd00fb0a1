"use client";

import { type ReactNode, useId } from "react";
import {
  BLOCKABLE_ACTIONS,
  CUSTOMER_TIERS,
  RULE_TYPE_LABELS,
  RULE_TYPES,
  type RuleType,
  TEAMS,
  TOOL_NAMES,
} from "@/lib/guardrails/rules";
import { RISK_CATEGORIES } from "@/lib/triage/labels";
import type { RuleForm } from "./rule-form";

type Errors = Partial<Record<keyof RuleForm | "rule", string[]>>;

const INPUT =
  "mt-1 block w-full rounded border border-slate-300 px-2 py-1 text-sm aria-[invalid=true]:border-red-600";

function Field({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  errors?: string[];
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {children(describedBy || undefined, Boolean(errors?.length))}
      {errors?.length ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** Regular expressions can run to hundreds of characters: they get a box that wraps them. */
const PATTERN_FIELDS = new Set<keyof RuleForm>(["pattern", "unless"]);
const patternRows = (value: string) => Math.min(8, Math.max(2, Math.ceil(value.length / 60)));

/** The inputs of one rule: the common ones, then those of its type. */
export function RuleFields({
  form,
  errors,
  onChange,
}: {
  form: RuleForm;
  errors: Errors;
  onChange: (patch: Partial<RuleForm>) => void;
}) {
  const uid = useId();
  const text = (field: keyof RuleForm, label: string, hint?: string) => (
    <Field id={`${uid}-${field}`} label={label} hint={hint} errors={errors[field]}>
      {(describedBy, invalid) =>
        PATTERN_FIELDS.has(field) ? (
          <textarea
            id={`${uid}-${field}`}
            value={form[field] as string}
            rows={patternRows(form[field] as string)}
            spellCheck={false}
            // One line however it wraps: a line break would become part of the expression.
            onChange={(e) => onChange({ [field]: e.target.value.replace(/\r?\n/g, "") })}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            className={`${INPUT} font-mono break-all`}
          />
        ) : (
          <input
            id={`${uid}-${field}`}
            value={form[field] as string}
            onChange={(e) => onChange({ [field]: e.target.value })}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            className={INPUT}
          />
        )
      }
    </Field>
  );
  const lines = (field: "keywords" | "intents", label: string, hint: string) => (
    <Field id={`${uid}-${field}`} label={label} hint={hint} errors={errors[field]}>
      {(describedBy, invalid) => (
        <textarea
          id={`${uid}-${field}`}
          value={form[field]}
          rows={Math.min(8, Math.max(3, form[field].split("\n").length + 1))}
          onChange={(e) => onChange({ [field]: e.target.value })}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          className={`${INPUT} font-mono`}
        />
      )}
    </Field>
  );
  const choice = (
    field: "tool" | "action" | "team" | "type" | "category",
    label: string,
    options: readonly string[],
  ) => (
    <Field id={`${uid}-${field}`} label={label} errors={errors[field]}>
      {(describedBy, invalid) => (
        <select
          id={`${uid}-${field}`}
          value={form[field]}
          onChange={(e) => onChange({ [field]: e.target.value })}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          className={INPUT}
        >
          {options.map((o) => (
            <option key={o} value={o}>
              {field === "type" ? RULE_TYPE_LABELS[o as RuleType] : o.replaceAll("_", " ")}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const team = choice("team", "Team to escalate to", TEAMS);
  const unless = text(
    "unless",
    "Exception (regular expression, optional)",
    "The rule does not fire when the ticket also matches this.",
  );

  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {choice("type", "Rule type", RULE_TYPES)}
      {text("id", "Rule id", "Keep it when editing: figures and history follow the id.")}
      {text("name", "Name")}
      <div className="sm:col-span-2">
        <Field
          id={`${uid}-explanation`}
          label="Explanation"
          hint="Reviewers see this when the rule fires."
          errors={errors.explanation}
        >
          {(describedBy, invalid) => (
            <textarea
              id={`${uid}-explanation`}
              value={form.explanation}
              rows={2}
              onChange={(e) => onChange({ explanation: e.target.value })}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              className={INPUT}
            />
          )}
        </Field>
      </div>
      {form.type === "block_tool" ? choice("tool", "Tool", TOOL_NAMES) : null}
      {form.type === "block_action" ? choice("action", "Action kind", BLOCKABLE_ACTIONS) : null}
      {form.type === "escalate_keywords" ? (
        <>
          {lines("keywords", "Keywords (one per line)", "Whole words or phrases, any case.")}
          <div className="space-y-3">
            {unless}
            {team}
          </div>
        </>
      ) : null}
      {form.type === "escalate_regex" ? (
        <>
          {text(
            "pattern",
            "Pattern (regular expression)",
            "Matched case-insensitively against subject and body.",
          )}
          {unless}
          {team}
        </>
      ) : null}
      {form.type === "escalate_intent" ? (
        <>
          {lines(
            "intents",
            "Intents (one per line)",
            "The helpdesk's own classification, e.g. cancel_order.",
          )}
          {team}
        </>
      ) : null}
      {form.type === "escalate_category" ? (
        <>
          {choice("category", "Risk category (from triage)", RISK_CATEGORIES)}
          {text(
            "minConfidence",
            "Minimum confidence (0.05 to 1)",
            "The rule fires when triage gives this category at least this probability.",
          )}
          {team}
        </>
      ) : null}
      {form.type === "escalate_customer" ? (
        <>
          <fieldset aria-describedby={errors.tiers?.length ? `${uid}-tiers-error` : undefined}>
            <legend className="text-sm font-medium">Customer tiers</legend>
            <div className="mt-1 flex gap-4 text-sm">
              {CUSTOMER_TIERS.map((tier) => (
                <label key={tier} className="flex items-center gap-1">
                  <input
                    type="checkbox"
                    checked={form.tiers.includes(tier)}
                    onChange={(e) =>
                      onChange({
                        tiers: e.target.checked
                          ? [...form.tiers, tier]
                          : form.tiers.filter((t) => t !== tier),
                      })
                    }
                  />
                  {tier}
                </label>
              ))}
            </div>
            {errors.tiers?.length ? (
              <p id={`${uid}-tiers-error`} className="mt-1 text-sm text-red-700">
                {errors.tiers.join(" ")}
              </p>
            ) : null}
          </fieldset>
          {team}
        </>
      ) : null}
      {form.type === "escalate_amount" ? (
        <>
          {text(
            "amount",
            "Escalate amounts over (dollars)",
            "Amounts written in the ticket or proposed as refunds.",
          )}
          {team}
        </>
      ) : null}
      {form.type === "max_refund" ? text("amount", "Maximum refund (dollars)") : null}
      {form.type === "require_citations" ? (
        <p className="text-sm text-slate-600 sm:col-span-2">
          Every reply must cite the articles and orders it relies on, and only records the run retrieved.
        </p>
      ) : null}
      {form.type === "budget" ? (
        <>
          {text("maxSteps", "Maximum model steps")}
          {text("maxTokens", "Maximum tokens")}
        </>
      ) : null}
    </div>
  );
}
