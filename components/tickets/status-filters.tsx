"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useTicketProgress } from "./use-ticket-progress";

const LIVE_MS = 5_000;

function label(status: string): string {
  const words = status.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The status filters with how many tickets each holds, kept current: when the
 * counts move (a ticket arrives, a draft lands) the list is read again too.
 */
export function TicketStatusFilters({
  statuses,
  counts: rendered,
  status,
  hrefFor,
}: {
  statuses: readonly string[];
  /** The counts the list on screen was read with. */
  counts: Record<string, number>;
  status?: string;
  /** Links for each status (undefined: all), built on the server with the search and metric filter. */
  hrefFor: Record<string, string>;
}) {
  const router = useRouter();
  const progress = useTicketProgress(LIVE_MS);
  const live = progress.data?.counts;
  const counts = live ?? rendered;
  const changed = live ? statuses.some((s) => (live[s] ?? 0) !== (rendered[s] ?? 0)) : false;
  useEffect(() => {
    if (changed) router.refresh();
  }, [changed, router]);
  const total = statuses.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  return (
    <nav aria-label="Filter by status" className="mt-4 flex flex-wrap gap-2 text-sm">
      {[undefined, ...statuses].map((s) => {
        const active = s === status;
        return (
          <Link
            key={s ?? "all"}
            href={hrefFor[s ?? "all"] ?? "/tickets"}
            aria-current={active ? "page" : undefined}
            className={`rounded-full border px-3 py-1 ${active ? "border-brand bg-brand text-white" : "border-slate-300 bg-white"}`}
          >
            {s ? label(s) : "All tickets"} ({s ? (counts[s] ?? 0) : total})
          </Link>
        );
      })}
    </nav>
  );
}
