import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { z } from "zod";
import { DraftAll } from "@/components/tickets/draft-all";
import { TicketStatusFilters } from "@/components/tickets/status-filters";
import { TicketStatusBadge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { countTicketsByStatus, decodeCursor, listTickets } from "@/db/queries/tickets";
import { TICKET_STATUSES } from "@/db/schema";
import { requirePageScope } from "@/lib/auth/guards";
import { roleHasScope } from "@/lib/auth/scopes";
import { formatAge, humanize } from "@/lib/format";
import {
  describeTicketMetricFilter,
  parseTicketMetricFilter,
  TICKET_LINK_PARAMS,
  ticketMetricCondition,
} from "@/lib/metrics/ticket-links";

export const metadata: Metadata = { title: "Tickets" };

const searchSchema = z.object({
  status: z.enum(TICKET_STATUSES).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
});

/** What an empty list means: nothing matched the search or filter, or there are no tickets at all. */
function emptyMessage({ q, status, filtered }: { q?: string; status?: string; filtered: boolean }): string {
  const withStatus = status ? ` with status “${humanize(status)}”` : "";
  if (q) return `No tickets match “${q}”${withStatus}.`;
  if (filtered) return `No tickets match this filter${withStatus}.`;
  return status ? `No tickets${withStatus}.` : "No tickets yet.";
}

export default async function TicketsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string>>;
}) {
  await connection();
  const user = await requirePageScope("tickets:read");
  const canDraft = roleHasScope(user.role, "tickets:draft");
  const raw = await searchParams;
  const { status, cursor, q } = searchSchema.parse(raw);
  // A link from the metrics dashboard ("the tickets behind this number"), kept across filters and pages.
  const metric = parseTicketMetricFilter(raw);
  const metricParams: Record<string, string> = metric.filter
    ? Object.fromEntries(TICKET_LINK_PARAMS.flatMap((k) => (raw[k] ? [[k, raw[k]]] : [])))
    : {};
  const db = await getDb();
  const [{ tickets, nextCursor }, counts] = await Promise.all([
    listTickets(db, {
      status,
      q: q || undefined,
      cursor: cursor ? decodeCursor(cursor) : null,
      matching: metric.filter ? ticketMetricCondition(metric.filter) : undefined,
    }),
    countTicketsByStatus(db),
  ]);
  const filterHref = (s?: string) => {
    const params = new URLSearchParams({ ...(s ? { status: s } : {}), ...(q ? { q } : {}), ...metricParams });
    return params.size ? `/tickets?${params}` : "/tickets";
  };
  const now = new Date();

  return (
    <section aria-labelledby="tickets-heading">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="tickets-heading" className="text-xl font-semibold">
          Tickets
        </h1>
        {roleHasScope(user.role, "tickets:ingest") ? (
          <Link href="/tickets/import" className="ml-auto text-sm text-sky-800 underline">
            Import CSV
          </Link>
        ) : null}
        {canDraft ? <DraftAll /> : null}
      </div>
      {metric.filter ? (
        <p role="status" className="mt-3 rounded bg-sky-50 px-3 py-2 text-sm text-sky-900">
          {describeTicketMetricFilter(metric.filter)}.{" "}
          <Link href="/tickets" className="underline">
            Show all tickets
          </Link>
        </p>
      ) : metric.error ? (
        <p role="alert" className="mt-3 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {metric.error}
        </p>
      ) : null}
      <search className="mt-4 block">
        <form action="/tickets" className="flex gap-2">
          {status ? <input type="hidden" name="status" value={status} /> : null}
          {Object.entries(metricParams).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <label htmlFor="ticket-search" className="sr-only">
            Search tickets
          </label>
          <input
            id="ticket-search"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Subject, sender or external id"
            className="w-72 rounded border border-slate-300 px-2 py-1 text-sm"
          />
          <button type="submit" className="rounded border border-slate-300 bg-white px-3 py-1 text-sm">
            Search
          </button>
        </form>
      </search>
      <TicketStatusFilters
        statuses={TICKET_STATUSES}
        counts={counts}
        status={status}
        hrefFor={Object.fromEntries([undefined, ...TICKET_STATUSES].map((s) => [s ?? "all", filterHref(s)]))}
      />
      {tickets.length === 0 ? (
        <p className="mt-8 text-slate-600">{emptyMessage({ q, status, filtered: Boolean(metric.filter) })}</p>
      ) : (
        <div className="relative mt-4 overflow-x-auto">
          <table className="w-full border-collapse rounded bg-white text-sm shadow-sm [&_td]:[overflow-wrap:anywhere]">
            <thead className="bg-slate-100 text-left">
              <tr>
                <th className="px-3 py-2">Subject</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Intent</th>
                <th className="px-3 py-2">Customer</th>
                <th className="px-3 py-2">Age</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((t) => (
                <tr key={t.id} className="border-t border-slate-100">
                  <td className="px-3 py-2">
                    <Link href={`/tickets/${t.id}`} className="text-sky-800 hover:underline">
                      {t.subject}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <TicketStatusBadge status={t.status} />
                  </td>
                  <td className="px-3 py-2 text-slate-600">{t.intent ? humanize(t.intent) : "—"}</td>
                  <td className="px-3 py-2">{t.customerName ?? t.customerEmail}</td>
                  <td className="px-3 py-2 text-slate-600">
                    <time dateTime={t.createdAt.toISOString()}>{formatAge(t.createdAt, now)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pagination" className="mt-4 flex gap-4 text-sm">
        {cursor ? (
          <Link href={filterHref(status)} className="text-sky-800 underline">
            First page
          </Link>
        ) : null}
        {nextCursor ? (
          <Link
            href={`/tickets?${new URLSearchParams({ ...(status ? { status } : {}), ...(q ? { q } : {}), ...metricParams, cursor: nextCursor })}`}
            className="text-sky-800 underline"
          >
            Next page
          </Link>
        ) : null}
      </nav>
    </section>
  );
}
