import type { QueueParams } from "@/lib/review/queue";
import { CATEGORIES, INTENTS } from "@/lib/triage/labels";
import { chipCount } from "./chip-count";

type FilterParams = Pick<QueueParams, "kind" | "state" | "mine">;

/** Each chip counts the actions waiting for review that it shows. */
const FILTERS: { label: string; params: FilterParams; count: string }[] = [
  { label: "All actions", params: {}, count: "all" },
  { label: "Replies", params: { kind: "reply" }, count: "reply" },
  { label: "Escalations", params: { kind: "escalation" }, count: "escalation" },
  { label: "Refunds", params: { kind: "refund" }, count: "refund" },
  { label: "Blocked", params: { state: "blocked" }, count: "blocked" },
  { label: "Mine", params: { mine: "1" }, count: "mine" },
];

/** The queue's filters: a chip per view with what it counts, and the triage category and intent. */
export function QueueFilters({
  params,
  counts,
  capped,
  setFilter,
  groups,
}: {
  params: QueueParams;
  counts: Record<string, number> | undefined;
  capped?: Record<string, boolean>;
  setFilter: (p: Partial<QueueParams>) => void;
  groups?: { id: string; name: string }[];
}) {
  const keep = { kind: params.kind, state: params.state, mine: params.mine };
  return (
    <nav aria-label="Filter the queue" className="mt-3 flex flex-wrap gap-2 text-sm">
      {FILTERS.map((f) => {
        const active =
          f.params.kind === params.kind && f.params.state === params.state && f.params.mine === params.mine;
        return (
          <button
            key={f.label}
            type="button"
            aria-pressed={active}
            onClick={() => setFilter(f.params)}
            className={`rounded-full border px-3 py-1 ${active ? "border-brand bg-brand text-white" : "border-slate-300 bg-white"}`}
          >
            {f.label} ({chipCount(counts, capped, f.count)})
          </button>
        );
      })}
      {groups?.length ? (
        <label className="ml-auto flex items-center gap-1">
          Group
          <select
            value={params.group ?? ""}
            onChange={(e) => setFilter({ ...keep, group: e.target.value || undefined })}
            className="rounded border border-slate-300 bg-white px-2 py-1"
          >
            <option value="">any</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className={`${groups?.length ? "" : "ml-auto "}flex items-center gap-1`}>
        Triage category
        <select
          value={params.category ?? ""}
          onChange={(e) =>
            setFilter({
              kind: params.kind,
              state: params.state,
              mine: params.mine,
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
            setFilter({
              kind: params.kind,
              state: params.state,
              mine: params.mine,
              intent: e.target.value || undefined,
            })
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
  );
}
