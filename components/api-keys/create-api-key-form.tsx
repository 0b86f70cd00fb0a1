"use client";

import { useActionState, useState } from "react";
import { type CreatedKey, createApiKeyAction } from "@/app/(app)/api-keys/actions";
import type { ActionResult } from "@/lib/errors";

const SCOPE_HELP: Record<string, string> = {
  "tickets:ingest": "post tickets and read their status (the helpdesk)",
  "datasets:export": "download feedback datasets",
  "metrics:read": "read metrics",
};

/** Name + scopes; the new key is shown once, with a copy button, and never again. */
export function CreateApiKeyForm({ scopes }: { scopes: readonly string[] }) {
  const [state, action, pending] = useActionState<ActionResult<CreatedKey>, FormData>(createApiKeyAction, {
    ok: true,
  });
  const [copied, setCopied] = useState(false);
  const created = state.ok ? state.data : undefined;
  const errors = state.ok ? undefined : state.fieldErrors;

  return (
    <div className="space-y-4 rounded bg-white p-5 shadow-sm">
      <h2 className="text-lg font-semibold">Create a key</h2>
      <form action={action} className="space-y-3" onSubmit={() => setCopied(false)}>
        <div>
          <label htmlFor="key-name" className="block text-sm font-medium">
            Name
          </label>
          <input
            id="key-name"
            name="name"
            required
            maxLength={100}
            placeholder="e.g. Zendesk production"
            className="mt-1 w-full max-w-80 rounded border border-slate-300 px-2 py-1"
          />
          {errors?.name ? <p className="mt-1 text-sm text-red-800">{errors.name.join(" ")}</p> : null}
        </div>
        <fieldset>
          <legend className="text-sm font-medium">Scopes</legend>
          <div className="mt-1 space-y-1">
            {scopes.map((scope) => (
              <label key={scope} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  name="scopes"
                  value={scope}
                  defaultChecked={scope === "tickets:ingest"}
                />
                <code>{scope}</code>
                <span className="text-slate-500">— {SCOPE_HELP[scope] ?? ""}</span>
              </label>
            ))}
          </div>
          {errors?.scopes ? <p className="mt-1 text-sm text-red-800">{errors.scopes.join(" ")}</p> : null}
        </fieldset>
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
        >
          {pending ? "Creating…" : "Create key"}
        </button>
      </form>
      {!state.ok ? (
        <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      {created ? (
        <div role="status" className="space-y-2 rounded border border-emerald-300 bg-emerald-50 p-3 text-sm">
          <p>{state.ok ? state.message : null}</p>
          <div className="flex gap-2">
            <label htmlFor="new-key" className="sr-only">
              New API key
            </label>
            <input
              id="new-key"
              readOnly
              value={created.key}
              onFocus={(e) => e.currentTarget.select()}
              className="w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono"
            />
            <button
              type="button"
              onClick={async () => {
                await navigator.clipboard.writeText(created.key);
                setCopied(true);
              }}
              className="rounded border border-slate-300 bg-white px-3 py-1"
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
          <p className="text-slate-600">
            Send it as{" "}
            <code className="[overflow-wrap:anywhere]">Authorization: Bearer {created.prefix}…</code>. Only
            its hash is stored.
          </p>
        </div>
      ) : null}
    </div>
  );
}
