"use client";

import { describeIssue } from "@/lib/guardrails/inputs";
import type { DraftIssue } from "@/lib/guardrails/validate";

const BUTTON = "rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-50";
const PRIMARY = "rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50";

export interface LinkedIssue extends DraftIssue {
  /** The id of the element the issue is shown next to. */
  target: string;
}

/**
 * The bar that stays at the bottom of the screen while the draft is edited:
 * save, discard and publish, what is unsaved, and the errors of the last save
 * with a link to each field.
 */
export function PolicySaveBar(props: {
  pending: boolean;
  version: number | null;
  /** The unsaved changes in words; empty when everything is saved. */
  changes: string[];
  issues: LinkedIssue[];
  saveResult: { ok: boolean; text: string } | null;
  onDiscard: () => void;
  confirming: boolean;
  onConfirming: (confirming: boolean) => void;
  onPublish: () => void;
  dryRunDone: boolean;
  publishError: string | null;
}) {
  const { pending, version, changes, issues } = props;
  const dirty = changes.length > 0;
  const status = props.saveResult?.ok
    ? props.saveResult.text
    : dirty
      ? `Unsaved changes: ${changes.join(", ")}.`
      : version
        ? `Version ${version} is saved.`
        : null;
  return (
    <div className="sticky bottom-0 z-10 -mx-5 space-y-2 border-t border-slate-200 bg-white/95 px-5 py-3 shadow-[0_-2px_6px_rgba(0,0,0,0.06)]">
      {props.saveResult && !props.saveResult.ok ? (
        <div
          role="alert"
          className="max-h-40 overflow-y-auto rounded bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          <p className="font-medium">
            {issues.length
              ? `${issues.length} error${issues.length === 1 ? "" : "s"}: the draft was not saved. Each is shown next to its field.`
              : props.saveResult.text}
          </p>
          {issues.length ? (
            <ul className="mt-1 list-disc pl-5">
              {issues.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>
                  <a href={`#${issue.target}`} className="underline">
                    {describeIssue(issue)}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={pending} className={PRIMARY}>
          {pending ? "Working…" : "Save draft"}
        </button>
        <button type="button" disabled={pending} onClick={props.onDiscard} className={BUTTON}>
          {version ? "Discard draft" : "Cancel"}
        </button>
        {version ? (
          props.confirming ? (
            <fieldset className="flex flex-wrap items-center gap-2 rounded bg-amber-50 px-2 py-1 text-sm">
              <legend className="sr-only">Publish version {version}</legend>
              <span className="font-medium">
                Publish version {version} now?
                {props.dryRunDone ? "" : " You have not dry-run this draft yet."}
              </span>
              <button type="button" disabled={pending} onClick={props.onPublish} className={PRIMARY}>
                Confirm publish
              </button>
              <button type="button" onClick={() => props.onConfirming(false)} className={BUTTON}>
                Cancel
              </button>
            </fieldset>
          ) : (
            <button
              type="button"
              disabled={pending || dirty}
              onClick={() => props.onConfirming(true)}
              className={PRIMARY}
              title={dirty ? "Save the draft first: publishing publishes the saved draft." : undefined}
            >
              Publish version {version}
            </button>
          )
        ) : null}
        <p role="status" aria-live="polite" className="min-w-0 flex-1 text-sm break-words">
          {status}
        </p>
      </div>
      {props.publishError ? (
        <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
          {props.publishError}
        </p>
      ) : null}
    </div>
  );
}
