import Link from "next/link";
import type { GroupBy } from "@/lib/metrics/period";
import { type MetricsSearch, metricsQueryString } from "@/lib/metrics/query-key";

const DAY_MS = 24 * 60 * 60 * 1000;

function daysBefore(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

const CUTS: { groupBy: GroupBy; label: string }[] = [
  { groupBy: "day", label: "By day" },
  { groupBy: "policy", label: "By policy version" },
  { groupBy: "model", label: "By model" },
];

/**
 * Presets (today, 7, 30, 90 days), a from/to form and the cut. Everything is
 * a plain link or GET form, so the URL always says what is shown and a reload
 * or a shared link shows the same.
 */
export function PeriodPicker({ search, today }: { search: MetricsSearch; today: string }) {
  const presets = [
    { label: "Today", from: today, to: today },
    { label: "Last 7 days", from: daysBefore(today, 6), to: today },
    { label: "Last 30 days", from: undefined, to: undefined },
    { label: "Last 90 days", from: daysBefore(today, 89), to: today },
  ];
  const href = (s: Partial<MetricsSearch>) => {
    const query = metricsQueryString(s);
    return query ? `/metrics?${query}` : "/metrics";
  };
  return (
    <div className="mt-4 flex flex-wrap items-end gap-x-6 gap-y-3">
      <nav aria-label="Period" className="flex flex-wrap gap-2 text-sm">
        {presets.map((p) => {
          const active = p.from === search.from && p.to === search.to;
          return (
            <Link
              key={p.label}
              href={href({ from: p.from, to: p.to, groupBy: search.groupBy })}
              aria-current={active ? "page" : undefined}
              className={`rounded-full border px-3 py-1 ${active ? "border-brand bg-brand text-white" : "border-slate-300 bg-white"}`}
            >
              {p.label}
            </Link>
          );
        })}
      </nav>
      <form action="/metrics" className="flex flex-wrap items-end gap-2 text-sm">
        <label className="flex flex-col">
          <span className="text-xs text-slate-600">From (UTC)</span>
          <input
            type="date"
            name="from"
            defaultValue={search.from?.slice(0, 10)}
            className="rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-600">To (UTC, included)</span>
          <input
            type="date"
            name="to"
            defaultValue={search.to?.slice(0, 10)}
            className="rounded border border-slate-300 px-2 py-1"
          />
        </label>
        {search.groupBy !== "day" ? <input type="hidden" name="groupBy" value={search.groupBy} /> : null}
        <button type="submit" className="rounded border border-slate-300 bg-white px-3 py-1">
          Show period
        </button>
      </form>
      <nav aria-label="Cut the charts" className="flex flex-wrap gap-2 text-sm">
        {CUTS.map((c) => (
          <Link
            key={c.groupBy}
            href={href({ from: search.from, to: search.to, groupBy: c.groupBy })}
            aria-current={c.groupBy === search.groupBy ? "page" : undefined}
            className={`rounded-full border px-3 py-1 ${c.groupBy === search.groupBy ? "border-brand bg-brand text-white" : "border-slate-300 bg-white"}`}
          >
            {c.label}
          </Link>
        ))}
      </nav>
    </div>
  );
}
