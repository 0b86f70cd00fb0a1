"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import {
  discardPolicyDraftAction,
  dryRunPolicyDraftAction,
  publishPolicyDraftAction,
  savePolicyDraftAction,
} from "@/app/(app)/policies/actions";
import type { DryRunResult } from "@/lib/guardrails/dry-run";
import { DEFAULT_DRY_RUN_LIMIT } from "@/lib/guardrails/inputs";
import { RULE_TYPE_LABELS, RULE_TYPES, type RuleType } from "@/lib/guardrails/rules";
import { AGENT_SHAPES, type AgentShape, SHAPE_DESCRIPTIONS } from "@/lib/guardrails/shape";
import type { DraftIssue } from "@/lib/guardrails/validate";
import { DryRunResults } from "./dry-run-results";
import { RuleFields } from "./rule-fields";
import { emptyRuleForm, formToRule, issueTarget, type RuleForm, ruleToForm } from "./rule-form";
import { type LinkedIssue, PolicySaveBar } from "./save-bar";
import { type EditorSnapshot, unsavedChanges } from "./unsaved-changes";

export interface WorkbenchProps {
  published: { id: string; version: number } | null;
  /** What a new draft starts from: the published version's content. */
  base: { rules: unknown[]; instructions: string; agentShape: AgentShape };
  draft: {
    id: string;
    version: number;
    rules: unknown[];
    instructions: string;
    agentShape: AgentShape;
    note: string | null;
    /** Why the stored rules do not validate, if they do not. */
    problem: string | null;
  } | null;
}

const BUTTON = "rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-50";
const PRIMARY = "rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50";

function issuesOf(fieldErrors: Record<string, string[]> | undefined): DraftIssue[] {
  return Object.entries(fieldErrors ?? {}).flatMap(([path, messages]) =>
    messages.map((message) => ({ path, message })),
  );
}

/**
 * The draft editor, its dry-run and its publication. Saving validates on the
 * server; dry-run and publish act on the saved draft, so they wait until the
 * editor has no unsaved changes.
 */
export function PolicyWorkbench({ published, base, draft }: WorkbenchProps) {
  const router = useRouter();
  const uid = useId();
  const [pending, startTransition] = useTransition();
  const [current, setCurrent] = useState(draft ? { id: draft.id, version: draft.version } : null);
  const [editing, setEditing] = useState(Boolean(draft));
  const [saved, setSaved] = useState<EditorSnapshot>(() => ({
    forms: (draft?.rules ?? base.rules).map(ruleToForm),
    instructions: draft?.instructions ?? base.instructions,
    agentShape: draft?.agentShape ?? base.agentShape,
    note: draft?.note ?? "",
  }));
  const [forms, setForms] = useState<RuleForm[]>(saved.forms);
  const [instructions, setInstructions] = useState(saved.instructions);
  const [agentShape, setAgentShape] = useState<AgentShape>(saved.agentShape);
  const [note, setNote] = useState(saved.note);
  const changes = unsavedChanges(saved, { forms, instructions, agentShape, note });
  const dirty = changes.length > 0;
  const [issues, setIssues] = useState<DraftIssue[]>([]);
  const [saveResult, setSaveResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [newType, setNewType] = useState<RuleType>("escalate_keywords");
  const [limit, setLimit] = useState(String(DEFAULT_DRY_RUN_LIMIT));
  const [dryRun, setDryRun] = useState<DryRunResult | null>(null);
  const [dryRunError, setDryRunError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [publishError, setPublishError] = useState<string | null>(null);

  const changed = (structural = false) => {
    setDryRun(null);
    setConfirming(false);
    setSaveResult(null);
    if (structural) setIssues([]);
  };
  const update = (index: number, patch: Partial<RuleForm>) => {
    setForms((all) => all.map((f, i) => (i === index ? { ...f, ...patch } : f)));
    changed();
  };
  const move = (index: number, by: -1 | 1) => {
    setForms((all) => {
      const next = [...all];
      const [item] = next.splice(index, 1);
      if (item) next.splice(index + by, 0, item);
      return next;
    });
    changed(true);
  };

  const errorsOf = (index: number) => {
    const out: Partial<Record<keyof RuleForm | "rule", string[]>> = {};
    for (const issue of issues) {
      const target = issueTarget(issue.path);
      if (target?.index === index) out[target.field] = [...(out[target.field] ?? []), issue.message];
    }
    return out;
  };
  const linkedIssues: LinkedIssue[] = issues.map((issue) => {
    const target = issueTarget(issue.path);
    return {
      ...issue,
      target: target
        ? `${uid}-rule-${target.index}`
        : issue.path === "instructions"
          ? `${uid}-instructions`
          : `${uid}-heading`,
    };
  });
  const instructionErrors = issues.filter((i) => i.path === "instructions").map((i) => i.message);

  const save = () =>
    startTransition(async () => {
      const result = await savePolicyDraftAction({
        draftId: current?.id,
        instructions,
        agentShape,
        note: note.trim() || undefined,
        rules: forms.map(formToRule),
      });
      if (!result.ok) {
        setIssues(issuesOf(result.fieldErrors));
        setSaveResult({ ok: false, text: result.error });
        return;
      }
      if (result.data) setCurrent({ id: result.data.id, version: result.data.version });
      setIssues([]);
      setSaved({ forms, instructions, agentShape, note });
      setSaveResult({ ok: true, text: result.message ?? "Draft saved." });
      router.refresh();
    });

  const reset = (message: string | null) => {
    const fresh = base.rules.map(ruleToForm);
    setCurrent(null);
    setEditing(false);
    setSaved({ forms: fresh, instructions: base.instructions, agentShape: base.agentShape, note: "" });
    setIssues([]);
    setDryRun(null);
    setForms(fresh);
    setInstructions(base.instructions);
    setAgentShape(base.agentShape);
    setNote("");
    setSaveResult(message ? { ok: true, text: message } : null);
  };

  const discard = () =>
    startTransition(async () => {
      if (!current) return reset(null);
      const result = await discardPolicyDraftAction({ draftId: current.id });
      if (!result.ok) {
        setSaveResult({ ok: false, text: result.error });
        return;
      }
      reset(result.message ?? "Draft discarded.");
      router.refresh();
    });

  const runDryRun = () =>
    startTransition(async () => {
      if (!current) return;
      setDryRunError(null);
      const result = await dryRunPolicyDraftAction({ draftId: current.id, limit });
      if (result.ok && result.data) setDryRun(result.data);
      else if (!result.ok) setDryRunError(result.error);
    });

  const publish = () =>
    startTransition(async () => {
      if (!current) return;
      setPublishError(null);
      const result = await publishPolicyDraftAction({
        draftId: current.id,
        expectedPublishedId: published?.id ?? null,
      });
      if (!result.ok) {
        setPublishError(result.error);
        setConfirming(false);
        return;
      }
      router.push(`/policies?published=${result.data?.version ?? ""}`);
      router.refresh();
    });

  if (!editing) {
    return (
      <section aria-labelledby={`${uid}-heading`} className="rounded bg-white p-5 shadow-sm">
        <h2 id={`${uid}-heading`} className="text-lg font-semibold">
          Draft
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          There is no draft. A draft starts as a copy of the published version; nothing changes for the agent
          until you publish it.
        </p>
        <button type="button" onClick={() => setEditing(true)} className={`${PRIMARY} mt-3`}>
          {published ? `Start a draft from version ${published.version}` : "Start a draft"}
        </button>
        {saveResult ? (
          <p role="status" className="mt-2 text-sm">
            {saveResult.text}
          </p>
        ) : null}
      </section>
    );
  }

  return (
    <section aria-labelledby={`${uid}-heading`} className="space-y-4 rounded bg-white p-5 shadow-sm">
      <h2 id={`${uid}-heading`} className="text-lg font-semibold">
        {current ? `Draft: version ${current.version}` : "New draft (not saved yet)"}
      </h2>
      {draft?.problem && !dirty ? (
        <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
          The saved draft's rules do not validate ({draft.problem}). Fix the rule below and save, or discard
          the draft.
        </p>
      ) : null}

      <form
        aria-label="Policy draft"
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <div>
          <label htmlFor={`${uid}-instructions`} className="block text-sm font-medium">
            Planner instructions
          </label>
          <textarea
            id={`${uid}-instructions`}
            value={instructions}
            rows={5}
            onChange={(e) => {
              setInstructions(e.target.value);
              changed();
            }}
            aria-invalid={instructionErrors.length > 0}
            aria-describedby={instructionErrors.length ? `${uid}-instructions-error` : undefined}
            className="mt-1 block w-full rounded border border-slate-300 p-2 text-sm"
          />
          {instructionErrors.length ? (
            <p id={`${uid}-instructions-error`} className="mt-1 text-sm text-red-700">
              {instructionErrors.join(" ")}
            </p>
          ) : null}
        </div>

        <div>
          <label htmlFor={`${uid}-shape`} className="block text-sm font-medium">
            Agent shape
          </label>
          <select
            id={`${uid}-shape`}
            value={agentShape}
            onChange={(e) => {
              setAgentShape(e.target.value as AgentShape);
              changed();
            }}
            aria-describedby={`${uid}-shape-help`}
            className="mt-1 block rounded border border-slate-300 p-1.5 text-sm"
          >
            {AGENT_SHAPES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <p id={`${uid}-shape-help`} className="mt-1 text-xs text-slate-500">
            {SHAPE_DESCRIPTIONS[agentShape]} Every shape runs behind the same gate, verification and budgets.
          </p>
        </div>

        <div>
          <h3 className="font-medium">Rules</h3>
          <p className="text-xs text-slate-500">
            The gate applies them in this order and names the first rule that refuses a call.
          </p>
          <ol className="mt-2 space-y-3">
            {forms.map((form, i) => {
              const errors = errorsOf(i);
              return (
                <li key={form.key}>
                  <fieldset
                    id={`${uid}-rule-${i}`}
                    tabIndex={-1}
                    className="scroll-mb-40 rounded border border-slate-200 p-3"
                  >
                    <legend className="px-1 text-sm font-semibold">
                      Rule {i + 1}: {form.name.trim() || RULE_TYPE_LABELS[form.type] || "new rule"}
                    </legend>
                    {errors.rule?.length ? (
                      <p className="mb-2 text-sm text-red-700">{errors.rule.join(" ")}</p>
                    ) : null}
                    <RuleFields form={form} errors={errors} onChange={(patch) => update(i, patch)} />
                    <div className="mt-3 flex gap-2">
                      <button
                        type="button"
                        className={BUTTON}
                        disabled={i === 0}
                        onClick={() => move(i, -1)}
                        aria-label={`Move up: rule ${i + 1}`}
                      >
                        Move up
                      </button>
                      <button
                        type="button"
                        className={BUTTON}
                        disabled={i === forms.length - 1}
                        onClick={() => move(i, 1)}
                        aria-label={`Move down: rule ${i + 1}`}
                      >
                        Move down
                      </button>
                      <button
                        type="button"
                        className={BUTTON}
                        onClick={() => {
                          setForms((all) => all.filter((_, j) => j !== i));
                          changed(true);
                        }}
                        aria-label={`Remove rule ${i + 1}`}
                      >
                        Remove
                      </button>
                    </div>
                  </fieldset>
                </li>
              );
            })}
          </ol>
          <div className="mt-3 flex flex-wrap items-end gap-2">
            <div>
              <label htmlFor={`${uid}-new-type`} className="block text-sm font-medium">
                New rule type
              </label>
              <select
                id={`${uid}-new-type`}
                value={newType}
                onChange={(e) => setNewType(e.target.value as RuleType)}
                className="mt-1 rounded border border-slate-300 p-1 text-sm"
              >
                {RULE_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {RULE_TYPE_LABELS[t]}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="button"
              className={BUTTON}
              onClick={() => {
                setForms((all) => [...all, emptyRuleForm(newType, all.length)]);
                changed(true);
              }}
            >
              Add rule
            </button>
          </div>
        </div>

        <div>
          <label htmlFor={`${uid}-note`} className="block text-sm font-medium">
            Change note (optional, shown in the history)
          </label>
          <input
            id={`${uid}-note`}
            value={note}
            maxLength={500}
            onChange={(e) => {
              setNote(e.target.value);
              changed();
            }}
            className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 text-sm"
          />
        </div>

        {current ? (
          <section aria-labelledby={`${uid}-dry-run`} className="space-y-2 border-t border-slate-200 pt-4">
            <h3 id={`${uid}-dry-run`} className="font-medium">
              Dry-run against decided runs
            </h3>
            <p className="text-sm text-slate-600">
              Replays the recorded tool calls, reply drafts and tickets of the last decided runs through this
              draft's gate, verification and escalation rules, without calling any model, and shows what would
              change and whether reviewers' decisions agree.
            </p>
            <div className="flex flex-wrap items-end gap-2">
              <div>
                <label htmlFor={`${uid}-limit`} className="block text-sm font-medium">
                  Decided runs to replay
                </label>
                <input
                  id={`${uid}-limit`}
                  type="number"
                  min={1}
                  max={5000}
                  value={limit}
                  onChange={(e) => setLimit(e.target.value)}
                  onKeyDown={(e) => {
                    // Enter replays the draft here rather than saving the form around it.
                    if (e.key === "Enter") {
                      e.preventDefault();
                      if (!dirty) runDryRun();
                    }
                  }}
                  className="mt-1 w-28 rounded border border-slate-300 px-2 py-1 text-sm"
                />
              </div>
              <button type="button" disabled={pending || dirty} onClick={runDryRun} className={PRIMARY}>
                Run dry-run
              </button>
            </div>
            {dirty ? (
              <p className="text-sm text-amber-800">
                Save the draft first: the dry-run replays the saved draft.
              </p>
            ) : null}
            {dryRunError ? (
              <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
                {dryRunError}
              </p>
            ) : null}
            {dryRun ? <DryRunResults result={dryRun} /> : null}
          </section>
        ) : null}

        {current ? (
          <section aria-labelledby={`${uid}-publish`} className="space-y-2 border-t border-slate-200 pt-4">
            <h3 id={`${uid}-publish`} className="font-medium">
              Publish
            </h3>
            <p className="text-sm text-slate-600">
              Publishing makes version {current.version} the one new runs use
              {published ? ` and retires version ${published.version}` : ""}. Runs already made keep the
              version they ran under; you can roll back from the history.
            </p>
            <p className="text-sm text-slate-600">
              {dirty
                ? "Save the draft first: publishing publishes the saved draft."
                : "Publish from the bar at the bottom of the editor."}
            </p>
          </section>
        ) : null}
        <PolicySaveBar
          pending={pending}
          version={current?.version ?? null}
          changes={changes}
          issues={linkedIssues}
          saveResult={saveResult}
          onDiscard={discard}
          confirming={confirming}
          onConfirming={setConfirming}
          onPublish={publish}
          dryRunDone={dryRun !== null}
          publishError={publishError}
        />
      </form>
    </section>
  );
}
