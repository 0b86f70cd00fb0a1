"use client";

import { useActionState } from "react";
import { draftTicketAction } from "@/app/(app)/tickets/[id]/actions";
import type { ActionResult } from "@/lib/errors";

/** "Draft with agent", or "Redraft" with optional guidance for the agent. */
export function DraftControls({ ticketId, hasRun }: { ticketId: string; hasRun: boolean }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(draftTicketAction, { ok: true });
  return (
    <form action={action} className="space-y-2 rounded bg-white p-4 shadow-sm">
      <input type="hidden" name="ticketId" value={ticketId} />
      {hasRun ? (
        <div>
          <label htmlFor="guidance" className="block text-sm font-medium">
            Guidance for the agent (optional)
          </label>
          <textarea
            id="guidance"
            name="guidance"
            rows={2}
            maxLength={2000}
            className="mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm"
            placeholder="e.g. Mention the express delivery option"
          />
        </div>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
      >
        {pending ? "Drafting…" : hasRun ? "Redraft" : "Draft with agent"}
      </button>
      <p role="status" aria-live="polite" className="text-sm">
        {!pending && state.ok && state.message ? state.message : null}
      </p>
      {!state.ok ? (
        <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
