/**
 * What a form field shows under itself: the server's error for it, or a
 * length message naming the field once the text is over its limit (a live
 * count near it). Tie it to the field with `aria-describedby={id}`.
 */
export function FieldNote({
  id,
  field,
  length,
  max,
  error,
}: {
  id: string;
  field: string;
  length: number;
  max: number;
  error?: string;
}) {
  const over = length > max;
  const message =
    error ??
    (over ? `The ${field} is too long: keep it under ${max.toLocaleString("en")} characters.` : null);
  return (
    <p id={id} className={`mt-0.5 text-xs ${message ? "text-red-800" : "text-slate-600"}`}>
      {message ??
        (length > max * 0.8
          ? `${length.toLocaleString("en")} of ${max.toLocaleString("en")} characters`
          : null)}
    </p>
  );
}
