"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useHotkeys } from "react-hotkeys-hook";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableHead, Td, Th } from "@/components/ui/table";
import type { QueuePage, QueueParams, QueueRow } from "@/lib/review/queue";
import { queueKey } from "@/lib/review/queue-key";
import { CATEGORIES, INTENTS } from "@/lib/triage/labels";
import { modalOpen, onControl } from "./hotkey-guards";
import { ShortcutsHelp } from "./shortcuts-help";
import { useClaimNext } from "./use-claim-next";
import { useReviewKeys } from "./use-review-keys";

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

const FILTERS: { label: string; params: Pick<QueueParams, "kind" | "state">; count: string }[] = [
  { label: "All", params: {}, count: "all" },
  { label: "Replies", params: { kind: "reply" }, count: "reply" },
  { label: "Escalations", params: { kind: "escalation" }, count: "escalation" },
  { label: "Refunds", params: { kind: "refund" }, count: "refund" },
  { label: "Blocked", params: { state: "blocked" }, count: "blocked" },
];

/** The review queue: oldest first, filters with counts, text search, refreshed on focus and every 15 s. */
export function QueueView({ initialParams }: { initialParams: QueueParams }) {
  const router = useRouter();
  const [params, setParams] = useState<QueueParams>(initialParams);
  const [selected, setSelected] = useState(0);
  const [help, setHelp] = useState(false);
  const { next, pending, error } = useClaimNext();
  const query = useQuery({
    queryKey: queueKey(params),
    queryFn: () => fetchQueue(params),
    refetchInterval: 15_000,
    refetchOnWindowFocus: true,
  });
  const items = query.data?.items ?? [];
  const open = (row: QueueRow | undefined) => row && router.push(`/tickets/${row.ticketId}?action=${row.id}`);

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
  useHotkeys("enter", () => open(items[selected]), { ignoreEventWhen: (e) => modalOpen() || onControl(e) }, [
    items,
    selected,
  ]);
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
    setParams({ q: params.q, category: params.category, intent: params.intent, ...p, cursor: undefined });
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
            setFilter({ kind: params.kind, state: params.state, q: q || undefined });
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
      <nav aria-label="Filter the queue" className="mt-3 flex flex-wrap gap-2 text-sm">
        {FILTERS.map((f) => {
          const active = f.params.kind === params.kind && f.params.state === params.state;
          return (
            <button
              key={f.label}
              type="button"
              aria-pressed={active}
              onClick={() => setFilter(f.params)}
              className={`rounded-full border px-3 py-1 ${active ? "border-brand bg-brand text-white" : "border-slate-300 bg-white"}`}
            >
              {f.label} ({query.data?.counts[f.count] ?? 0})
            </button>
          );
        })}
        <label className="ml-auto flex items-center gap-1">
          Triage category
          <select
            value={params.category ?? ""}
            onChange={(e) =>
              setFilter({
                kind: params.kind,
                state: params.state,
                category: (e.target.value || undefined) as QueueParams["category"],
              })
            }
            className="rounded border border-slate-300 bg-white px-2 py-1"
          >
            <option value="">any</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c.replace("_", " ")}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          Intent
          <select
            value={params.intent ?? ""}
            onChange={(e) =>
              setFilter({ kind: params.kind, state: params.state, intent: e.target.value || undefined })
            }
            className="rounded border border-slate-300 bg-white px-2 py-1"
          >
            <option value="">any</option>
            {INTENTS.map((i) => (
              <option key={i} value={i}>
                {i.replaceAll("_", " ")}
              </option>
            ))}
          </select>
        </label>
      </nav>
      {query.isError ? (
        <p role="alert" className="mt-4 text-red-800">
          {query.error.message}
        </p>
      ) : items.length === 0 && query.isSuccess ? (
        <p className="mt-6 text-slate-600">Nothing waiting for review here.</p>
      ) : (
        <div className="mt-4">
          <Table label="Actions waiting for review">
            <TableHead>
              <Th>Ticket</Th>
              <Th>Kind</Th>
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
                      href={`/tickets/${row.ticketId}?action=${row.id}`}
                      onFocus={() => setSelected(i)}
                      className="text-sky-800 hover:underline"
                    >
                      {row.subject}
                    </Link>
                    {row.beingReviewedBy ? (
                      <div className="text-xs text-amber-800">being reviewed by {row.beingReviewedBy}</div>
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
                  <Td>
                    {age(row.ageMinutes)} {row.overSla ? <Badge tone="warn">SLA</Badge> : null}
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
