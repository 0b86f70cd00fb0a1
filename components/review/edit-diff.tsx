"use client";

import { diffWords } from "diff";

/**
 * A live word diff of the reviewer's text against the agent's draft, or (in batch review) of a
 * draft against its batch's most common draft.
 */
export function EditDiff({
  original,
  edited,
  label = "Changes against the agent's draft",
  unchanged = "No changes yet.",
}: {
  original: string;
  edited: string;
  label?: string;
  unchanged?: string;
}) {
  const parts = diffWords(original, edited);
  const changed = parts.some((p) => p.added || p.removed);
  return (
    <section aria-label={label} className="rounded border border-slate-200 bg-white p-3 text-sm">
      <h4 className="text-xs font-medium text-slate-500">{label}</h4>
      {changed ? (
        <p className="mt-1 whitespace-pre-wrap break-words">
          {parts.map((part, i) =>
            part.added ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: diff parts have no identity beyond their position
              <ins key={i} className="bg-emerald-100 text-emerald-900 no-underline">
                {part.value}
              </ins>
            ) : part.removed ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: as above
              <del key={i} className="bg-red-100 text-red-900">
                {part.value}
              </del>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: as above
              <span key={i}>{part.value}</span>
            ),
          )}
        </p>
      ) : (
        <p className="mt-1 text-slate-500">{unchanged}</p>
      )}
    </section>
  );
}
