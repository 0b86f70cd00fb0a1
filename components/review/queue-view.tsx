"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useHotkeys } from "react-hotkeys-hook";
import { startReviewAction } from "@/app/(app)/tickets/[id]/review-actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableHead, Td, Th } from "@/components/ui/table";
import type { QueuePage, QueueParams, QueueRow } from "@/lib/review/queue";
import { queueKey } from "@/lib/review/queue-key";
import { modalOpen, onControl } from "./hotkey-guards";
import { QueueFilters } from "./queue-filters";
import { ShortcutsHelp } from "./shortcuts-help";
import { useClaimNext } from "./use-claim-next";
import { useReviewKeys } from "./use-review-keys";

function emptyMessage(params: QueueParams): string {
  if (params.q) return `No actions waiting for review match “${params.q}”.`;
  if (params.mine) return "You are not reviewing anything: press Next, or Start review on a ticket.";
  return "Nothing waiting for review here.";
}

export async function fetchQueue(params: QueueParams): Promise<QueuePage> {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v) as [string, string][]);
  const response = await fetch(`/api/v1/queue?${search}`, { cache: "no-store" });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error?.message ?? "Could not load the queue.");
  }
  return response.json();
}

function kindLabel(row: QueueRow): string {
  if (row.status === "blocked") return `Blocked ${row.kind}`;
  if (row.kind === "escalation") return row.team ? `Escalation → ${row.team}` : "Escalation";
  return row.kind === "reply" ? "Reply" : "Refund";
}

function age(minutes: number): string {
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h`;
  return `${Math.floor(minutes / 1440)}d`;
}

/** How often the queue is read again while it is on screen (and on every return to the window). */
const LIVE_MS = 5_000;

/**
 * The review queue: oldest first, filters with counts, text search, live (read
 * again every few seconds and on focus). Viewing a row claims nothing; Next,
 * and Enter on a row, claim before opening.
 */
export function QueueView({
  initialParams,
  groups,
}: {
  initialParams: QueueParams;
  /** Review groups to filter by (admins, while routing is on). */
  groups?: { id: string; name: string }[];
}) {
  const router = useRouter();
  const [params, setParams] = useState<QueueParams>(initialParams);
  const [selected, setSelected] = useState(0);
  const [help, setHelp] = useState(false);
  const { next, pending, error } = useClaimNext();
  const query = useQuery({
    queryKey: queueKey(params),
    queryFn: () => fetchQueue(params),
    staleTime: LIVE_MS - 1_000,
    refetchInterval: LIVE_MS,
    refetchOnWindowFocus: true,
  });
  const items = query.data?.items ?? [];
  const href = (row: QueueRow) => `/tickets/${row.ticketId}?action=${row.id}`;
  // Enter starts the review: the claim is taken first (or its holder shown on the ticket), then the ticket opens.
  const open = async (row: QueueRow | undefined) => {
    if (!row) return;
    await startReviewAction(row.id);
    router.push(href(row));
  };

  // j/k move the focus with the selection, so a screen reader announces the row it lands on and
  // Enter on it follows the link; Enter elsewhere (nothing focused) opens the selected row.
  const links = useRef<(HTMLAnchorElement | null)[]>([]);
  const moved = useRef(false);
  const move = (by: number) => {
    moved.current = true;
    setSelected((i) => Math.min(Math.max(i + by, 0), Math.max(items.length - 1, 0)));
  };
  useEffect(() => {
    if (moved.current) links.current[selected]?.focus();
    moved.current = false;
  }, [selected]);
  const guard = { ignoreEventWhen: modalOpen };
  useHotkeys("j", () => move(1), guard, [items.length]);
  useHotkeys("k", () => move(-1), guard, [items.length]);
  useHotkeys(
    "enter",
    () => void open(items[selected]),
    { ignoreEventWhen: (e) => modalOpen() || onControl(e) },
    [items, selected],
  );
  useHotkeys("n", next, guard);
  useReviewKeys({ "?": () => setHelp((h) => !h) });

  // The filters, search and page live in the address too: a reload or a shared link shows the same view.
  useEffect(() => {
    const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v) as [string, string][]);
    const url = `${window.location.pathname}${search.size ? `?${search}` : ""}`;
    if (url !== `${window.location.pathname}${window.location.search}`)
      window.history.replaceState(null, "", url);
  }, [params]);

  const setFilter = (p: Partial<QueueParams>) => {
    setSelected(0);
    setParams({
      q: params.q,
      category: params.category,
      intent: params.intent,
      group: params.group,
      ...p,
      cursor: undefined,
    });
  };

  return (
    <section aria-labelledby="queue-heading">
      <div className="flex flex-wrap items-center gap-3">
        <h1 id="queue-heading" className="text-xl font-semibold">
          Review queue
        </h1>
        <Button variant="primary" onClick={next} disabled={pending}>
          {pending ? "Claiming…" : "Next"}
        </Button>
        <Link href="/queue/batches" className="text-sm text-sky-800 underline">
          Batches of similar drafts
        </Link>
        <Button variant="link" onClick={() => setHelp(true)}>
          Keyboard shortcuts (?)
        </Button>
      </div>
      {error ? (
        <p role="alert" className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {error}
        </p>
      ) : null}
      <search className="mt-4 block">
        <form
          className="flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const q = String(new FormData(e.currentTarget).get("q") ?? "").trim();
            setFilter({ kind: params.kind, state: params.state, mine: params.mine, q: q || undefined });
          }}
        >
          <label htmlFor="queue-search" className="sr-only">
            Search the queue
          </label>
          <input
            id="queue-search"
            name="q"
            type="search"
            defaultValue={params.q}
            placeholder="Subject, sender or external id"
            className="w-full max-w-72 min-w-0 rounded border border-slate-300 px-2 py-1 text-sm"
          />
          <button type="submit" className="rounded border border-slate-300 bg-white px-3 py-1 text-sm">
            Search
          </button>
        </form>
      </search>
      <QueueFilters
        params={params}
        counts={query.data?.counts}
        capped={query.data?.countsCapped}
        setFilter={setFilter}
        groups={groups}
      />
      {query.isError ? (
        <p role="alert" className="mt-4 text-red-800">
          {query.error.message}
        </p>
      ) : items.length === 0 && query.isSuccess ? (
        <p className="mt-6 text-slate-600">{emptyMessage(params)}</p>
      ) : (
        <div className="mt-4">
          <Table label="Actions waiting for review">
            <TableHead>
              <Th>Ticket</Th>
              <Th>Kind</Th>
              <Th>Group</Th>
              <Th>Age</Th>
              <Th>Intent</Th>
              <Th>Triage</Th>
              <Th>Model</Th>
              <Th>Policy</Th>
            </TableHead>
            <tbody>
              {items.map((row, i) => (
                <tr
                  key={row.id}
                  aria-current={i === selected ? "true" : undefined}
                  className={`border-t border-slate-100 ${i === selected ? "bg-sky-50 outline-2 outline-sky-400" : ""}`}
                >
                  <Td>
                    <Link
                      ref={(el) => {
                        links.current[i] = el;
                      }}
                      href={href(row)}
                      onFocus={() => setSelected(i)}
                      onKeyDown={(e) => {
                        // Following the link with Enter starts the review; a click only looks.
                        if (e.key !== "Enter" || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                        e.preventDefault();
                        void open(row);
                      }}
                      className="text-sky-800 hover:underline"
                    >
                      {row.subject}
                    </Link>
                    {row.beingReviewedBy ? (
                      <div className="text-xs text-amber-800">being reviewed by {row.beingReviewedBy}</div>
                    ) : row.claimedByMe ? (
                      <div className="text-xs text-sky-800">you are reviewing this</div>
                    ) : null}
                  </Td>
                  <Td>
                    <Badge
                      tone={
                        row.status === "blocked" ? "danger" : row.kind === "escalation" ? "info" : "neutral"
                      }
                    >
                      {kindLabel(row)}
                    </Badge>
                  </Td>
                  <Td className="text-slate-600">{row.group ?? "—"}</Td>
                  <Td>
                    {age(row.ageMinutes)}{" "}
                    {row.slaBreached ? (
                      <Badge tone="warn">
                        {row.slaMovedFrom ? `Past SLA — moved from ${row.slaMovedFrom}` : "Past SLA"}
                      </Badge>
                    ) : row.overSla ? (
                      <Badge tone="warn">SLA</Badge>
                    ) : null}
                  </Td>
                  <Td className="text-slate-600">{row.intent?.replaceAll("_", " ") ?? "—"}</Td>
                  <Td className="text-slate-600">
                    {row.triage ? (
                      <>
                        <Badge tone={row.triage.category === "none" ? "neutral" : "warn"}>
                          {row.triage.category.replace("_", " ")}
                        </Badge>{" "}
                        {row.triage.intent.replaceAll("_", " ")} ({Math.round(row.triage.confidence * 100)} %)
                      </>
                    ) : (
                      "—"
                    )}
                  </Td>
                  <Td>{row.model}</Td>
                  <Td>v{row.policyVersion ?? "?"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <nav aria-label="Queue pages" className="mt-3 flex flex-wrap gap-4 text-sm">
        {params.cursor ? (
          <Button variant="link" onClick={() => setParams({ ...params, cursor: undefined })}>
            First page
          </Button>
        ) : null}
        {query.data?.nextCursor ? (
          <Button
            variant="link"
            onClick={() => setParams({ ...params, cursor: query.data?.nextCursor ?? undefined })}
          >
            Next page
          </Button>
        ) : null}
      </nav>
      <ShortcutsHelp open={help} onClose={() => setHelp(false)} />
    </section>
  );
}
