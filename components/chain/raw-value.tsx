const PREVIEW_CHARS = 600;

/** A step's raw input or output, on demand: a short preview, and the whole value one more click away. */
export function RawValue({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value, null, 2);
  const long = text.length > PREVIEW_CHARS;
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-xs text-slate-600">
        {label} ({text.length.toLocaleString("en")} characters)
      </summary>
      {/* Model and tool output is untrusted: rendered as text, never as HTML. */}
      <pre className="mt-1 max-h-72 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap break-all">
        {long ? `${text.slice(0, PREVIEW_CHARS)}…` : text}
      </pre>
      {long ? (
        <details className="mt-1">
          <summary className="cursor-pointer text-xs text-sky-800 underline">
            Show all of the {label.toLowerCase()}
          </summary>
          <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap break-all">
            {text}
          </pre>
        </details>
      ) : null}
    </details>
  );
}
