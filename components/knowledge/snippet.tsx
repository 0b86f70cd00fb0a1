import { snippetParts } from "@/lib/kb/highlight";

/** A search snippet with its matches highlighted; built from text, never from HTML. */
export function Snippet({ text }: { text: string }) {
  return (
    <p className="mt-1 text-sm text-slate-700">
      {snippetParts(text).map((part, i) =>
        part.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: snippet parts have no identity beyond their position
          <mark key={i} className="rounded bg-amber-100 px-0.5 text-slate-900">
            {part.text}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above
          <span key={i}>{part.text}</span>
        ),
      )}
    </p>
  );
}
