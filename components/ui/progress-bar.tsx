/**
 * A determinate progress bar with its label, count and estimate: the native
 * `<progress>` carries the role, the accessible name and the value.
 */
export function ProgressBar({
  label,
  value,
  max,
  text,
}: {
  /** The accessible name, e.g. "Import progress". */
  label: string;
  value: number;
  max: number;
  /** What a person reads beside the bar: "412 of 1,000 rows · about 20 s left". */
  text?: string;
}) {
  const safeMax = Math.max(1, max);
  const safeValue = Math.min(safeMax, Math.max(0, value));
  const percent = Math.round((safeValue / safeMax) * 100);
  return (
    <div className="min-w-48 space-y-1">
      <progress
        aria-label={label}
        aria-valuetext={text ? `${percent} %: ${text}` : `${percent} %`}
        value={safeValue}
        max={safeMax}
        className="h-2 w-full overflow-hidden rounded bg-slate-200 [&::-moz-progress-bar]:bg-brand [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:bg-brand"
      />
      {text ? <p className="text-sm text-slate-700">{text}</p> : null}
    </div>
  );
}
