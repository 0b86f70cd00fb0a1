import { describeChange, formatFigure, HEADLINE_FIGURES } from "@/lib/metrics/definitions";
import type { Figures } from "@/lib/metrics/figures";

const TONE = {
  good: "text-emerald-700",
  bad: "text-red-700",
  neutral: "text-slate-600",
} as const;

const TONE_WORD = { good: " (better)", bad: " (worse)", neutral: "" } as const;

/** One card per headline figure: the value for the period and its change against the previous period. */
export function HeadlineCards({ current, previous }: { current: Figures; previous: Figures }) {
  return (
    <ul aria-label="Headline figures" className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
      {HEADLINE_FIGURES.map((definition) => {
        const id = `figure-${definition.key}`;
        const change = describeChange(current[definition.key], previous[definition.key], definition);
        return (
          <li key={definition.key}>
            <article
              aria-labelledby={id}
              aria-describedby={`${id}-help`}
              title={definition.help}
              className="h-full rounded bg-white p-3 shadow-sm"
            >
              <h3 id={id} className="text-xs font-medium text-slate-600">
                {definition.label}
              </h3>
              <p data-testid="figure-value" className="mt-1 text-xl font-semibold tabular-nums">
                {formatFigure(current[definition.key], definition.unit)}
              </p>
              <p className={`text-xs ${TONE[change.tone]}`}>
                {change.text === "—" ? "no previous figure" : `${change.text} vs previous period`}
                <span className="sr-only">{TONE_WORD[change.tone]}</span>
              </p>
              <p id={`${id}-help`} className="sr-only">
                {definition.help}
              </p>
            </article>
          </li>
        );
      })}
    </ul>
  );
}
