"use client";

import { useActionState } from "react";
import { revokeApiKeyAction } from "@/app/(app)/api-keys/actions";
import type { ActionResult } from "@/lib/errors";

export function RevokeApiKeyButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(revokeApiKeyAction, { ok: true });
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm(`Revoke the key “${name}”? Clients using it get 403 at once.`))
          e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`Revoke ${name}`}
        className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-800 disabled:opacity-60"
      >
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {!state.ok ? (
        <p role="alert" className="mt-1 text-xs text-red-800">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
