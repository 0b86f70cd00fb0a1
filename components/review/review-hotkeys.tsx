"use client";

import { useState } from "react";
import { ShortcutsHelp } from "./shortcuts-help";
import { useClaimNext } from "./use-claim-next";
import { useReviewKeys } from "./use-review-keys";

/** Page-wide review keys on a ticket: "n" claims the next action, "?" shows the shortcuts. */
export function ReviewHotkeys({ currentActionIds }: { currentActionIds: string[] }) {
  const [help, setHelp] = useState(false);
  const { next, pending, error } = useClaimNext(currentActionIds);
  useReviewKeys({ n: () => !pending && next(), "?": () => setHelp((h) => !h) });
  return (
    <>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <button
          type="button"
          onClick={next}
          disabled={pending}
          className="rounded border border-slate-300 bg-white px-3 py-1 disabled:opacity-60"
        >
          {pending ? "Claiming…" : "Next action"}
        </button>
        <button type="button" onClick={() => setHelp(true)} className="text-sky-800 underline">
          Keyboard shortcuts (?)
        </button>
      </div>
      {error ? (
        <p role="alert" className="rounded bg-amber-50 px-2 py-1 text-sm text-amber-900">
          {error}
        </p>
      ) : null}
      <ShortcutsHelp open={help} onClose={() => setHelp(false)} />
    </>
  );
}
