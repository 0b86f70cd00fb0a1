"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ProgressBar } from "@/components/ui/progress-bar";
import { useEta } from "@/components/ui/use-eta";
import { progressText } from "@/lib/format-eta";
import { ExportPreviewPanel } from "./export-preview";
import { useExportDownload } from "./use-export-download";

type FormatId = "sft" | "dpo" | "trl" | "csv";

interface FormatOption {
  id: FormatId;
  label: string;
  description: string;
  extension: string;
}

interface ExportCount {
  format: FormatId;
  records: number;
  formats: Record<FormatId, number>;
  asOf: string;
  query: string;
}

interface Filters {
  since: string;
  until: string;
  decision: string[];
  tags: string[];
  policyVersion: string;
  minRating: string;
  model: string;
  demo: boolean;
  redact: boolean;
  redactOrders: boolean;
}

const EMPTY: Filters = {
  since: "",
  until: "",
  decision: [],
  tags: [],
  policyVersion: "",
  minRating: "",
  model: "",
  demo: true,
  redact: false,
  redactOrders: false,
};

/** The same query parameters the API reads (lib/datasets/filters.ts), defaults left out. */
function filterQuery(f: Filters): string {
  const q = new URLSearchParams();
  if (f.since) q.set("since", f.since);
  if (f.until) q.set("until", f.until);
  if (f.decision.length) q.set("decision", f.decision.join(","));
  if (f.tags.length) q.set("tags", f.tags.join(","));
  if (f.policyVersion) q.set("policyVersion", f.policyVersion);
  if (f.minRating) q.set("minRating", f.minRating);
  if (f.model) q.set("model", f.model);
  if (!f.demo) q.set("demo", "false");
  if (f.redactOrders) q.set("redactOrders", "true");
  else if (f.redact) q.set("redact", "true");
  return q.toString();
}

async function fetchCount(format: FormatId, query: string): Promise<ExportCount> {
  const response = await fetch(`/api/v1/exports/${format}/count?${query}`, { cache: "no-store" });
  const body = await response.json().catch(() => null);
  if (!response.ok)
    throw new Error(body?.error?.message ?? "Could not count the records. Try again in a moment.");
  return body as ExportCount;
}

const n = (v: number) => v.toLocaleString("en-US");
const toggle = (list: string[], value: string, on: boolean) =>
  on ? [...list, value] : list.filter((v) => v !== value);

const input = "mt-1 block w-full rounded border border-slate-300 p-1.5 text-sm";

/** Format, filters, a live record count, then the download and its manifest. */
export function ExportForm(props: {
  formats: FormatOption[];
  decisions: string[];
  tags: { id: string; label: string }[];
  policyVersions: number[];
  models: string[];
}) {
  const uid = useId();
  const [format, setFormat] = useState<FormatId>("sft");
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const query = filterQuery(filters);
  const count = useQuery({
    queryKey: ["export-count", format, query],
    queryFn: () => fetchCount(format, query),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const current = count.data && count.data.format === format && !count.isPlaceholderData ? count.data : null;
  const chosen = props.formats.find((f) => f.id === format);
  // The count's snapshot goes into both links: the file holds exactly the records counted.
  const snapshot = current ? current.query : null;
  const downloadUrl = snapshot !== null ? `/api/v1/exports/${format}?${snapshot}` : null;
  const manifestUrl = snapshot !== null ? `/api/v1/exports/${format}/manifest?${snapshot}` : null;
  const fileName = current ? `countersign-${format}-${current.asOf.slice(0, 10)}.${chosen?.extension}` : "";
  const download = useExportDownload();
  const { state } = download;
  const eta = useEta(state.records, state.total, state.status === "downloading");

  return (
    <form className="grid gap-4 lg:grid-cols-[2fr_1fr]" onSubmit={(e) => e.preventDefault()}>
      <div className="min-w-0 space-y-4">
        <fieldset className="rounded bg-white p-4 shadow-sm">
          <legend className="px-1 font-medium">Format</legend>
          <div className="mt-1 grid gap-2 sm:grid-cols-2">
            {props.formats.map((f) => (
              <label
                key={f.id}
                className="flex cursor-pointer gap-2 rounded border border-slate-200 p-2 text-sm has-[:checked]:border-sky-700 has-[:checked]:bg-sky-50"
              >
                <input
                  type="radio"
                  name="format"
                  value={f.id}
                  checked={format === f.id}
                  onChange={() => setFormat(f.id)}
                  aria-describedby={`${uid}-${f.id}-desc`}
                />
                <span>
                  <span className="font-medium">{f.label}</span>
                  <span id={`${uid}-${f.id}-desc`} className="block text-slate-600">
                    {f.description}
                  </span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset className="grid gap-3 rounded bg-white p-4 shadow-sm sm:grid-cols-2">
          <legend className="px-1 font-medium">Filters</legend>
          <label className="block text-sm font-medium">
            Reviewed from
            <input
              type="date"
              className={input}
              value={filters.since}
              max={filters.until || undefined}
              onChange={(e) => set({ since: e.target.value })}
            />
          </label>
          <label className="block text-sm font-medium">
            Reviewed until (inclusive)
            <input
              type="date"
              className={input}
              value={filters.until}
              min={filters.since || undefined}
              onChange={(e) => set({ until: e.target.value })}
            />
          </label>
          <label className="block text-sm font-medium">
            Policy version
            <select
              className={input}
              value={filters.policyVersion}
              onChange={(e) => set({ policyVersion: e.target.value })}
            >
              <option value="">Any version</option>
              {props.policyVersions.map((v) => (
                <option key={v} value={String(v)}>
                  Version {v}
                </option>
              ))}
            </select>
          </label>
          <label className="block text-sm font-medium">
            Model
            <select className={input} value={filters.model} onChange={(e) => set({ model: e.target.value })}>
              <option value="">Any model</option>
              {props.models.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <label className="block text-sm font-medium">
            Minimum rating
            <select
              className={input}
              value={filters.minRating}
              onChange={(e) => set({ minRating: e.target.value })}
            >
              <option value="">Any rating (or none)</option>
              {[1, 2, 3, 4, 5].map((r) => (
                <option key={r} value={String(r)}>
                  {r} or more
                </option>
              ))}
            </select>
          </label>
          <fieldset className="text-sm">
            <legend className="font-medium">Decisions</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {props.decisions.map((d) => (
                <label key={d} className="flex items-center gap-1.5">
                  <input
                    type="checkbox"
                    checked={filters.decision.includes(d)}
                    onChange={(e) => set({ decision: toggle(filters.decision, d, e.target.checked) })}
                  />
                  {d[0]?.toUpperCase()}
                  {d.slice(1)}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="text-sm sm:col-span-2">
            <legend className="font-medium">Reason tags (any of)</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {props.tags.map((t) => (
                <label key={t.id} className="flex items-center gap-1.5">
                  <input
                    type="checkbox"
                    checked={filters.tags.includes(t.id)}
                    onChange={(e) => set({ tags: toggle(filters.tags, t.id, e.target.checked) })}
                  />
                  {t.label}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={!filters.demo}
              onChange={(e) => set({ demo: !e.target.checked })}
            />
            Leave out the demo history
          </label>
        </fieldset>

        <fieldset className="space-y-1 rounded bg-white p-4 text-sm shadow-sm">
          <legend className="px-1 font-medium">Privacy</legend>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={filters.redact || filters.redactOrders}
              onChange={(e) =>
                set({ redact: e.target.checked, redactOrders: e.target.checked && filters.redactOrders })
              }
            />
            Redact e-mail addresses, phone numbers and card numbers
          </label>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={filters.redactOrders}
              onChange={(e) =>
                set({ redactOrders: e.target.checked, redact: e.target.checked || filters.redact })
              }
            />
            Also redact order numbers
          </label>
        </fieldset>
      </div>

      <aside
        aria-labelledby={`${uid}-summary`}
        className="h-fit min-w-0 space-y-3 rounded bg-white p-4 shadow-sm lg:sticky lg:top-4"
      >
        <h2 id={`${uid}-summary`} className="font-medium">
          {chosen?.label}
        </h2>
        <div role="status" aria-live="polite" className="text-sm">
          {count.isError ? null : current ? (
            <>
              <p className="text-2xl font-semibold">
                {n(current.records)} {current.records === 1 ? "record" : "records"}
              </p>
              <p className="text-slate-600">
                as of {current.asOf.slice(0, 16).replace("T", " ")} UTC · SFT {n(current.formats.sft)} · pairs{" "}
                {n(current.formats.dpo)} · reviews {n(current.formats.csv)}
              </p>
              {current.records === 0 ? (
                <p className="mt-1 text-amber-800">
                  Nothing matches: widen the dates or drop a filter. SFT holds approved and edited replies;
                  DPO and TRL only edited ones.
                </p>
              ) : null}
            </>
          ) : (
            <p>Counting records…</p>
          )}
        </div>
        {count.isError ? (
          <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
            {count.error.message}
          </p>
        ) : null}
        <div className="flex flex-wrap items-center gap-3">
          {downloadUrl && current && current.records > 0 ? (
            <a
              href={downloadUrl}
              download={fileName}
              aria-disabled={state.status === "downloading"}
              onClick={(e) => {
                // Streamed with a progress bar; the link itself stays for a new tab or a copied address.
                e.preventDefault();
                if (state.status !== "downloading")
                  void download.start(downloadUrl, fileName, current.records, format === "csv");
              }}
              className="rounded bg-sky-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-900"
            >
              Download {fileName}
            </a>
          ) : (
            <span aria-disabled="true" className="rounded bg-slate-200 px-3 py-1.5 text-sm text-slate-500">
              Download
            </span>
          )}
          {manifestUrl ? (
            <a href={manifestUrl} target="_blank" rel="noopener" className="text-sm text-sky-800 underline">
              Manifest (JSON)
            </a>
          ) : null}
          <button
            type="button"
            onClick={() => count.refetch()}
            className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100"
          >
            Refresh count
          </button>
        </div>
        {state.status === "downloading" || state.status === "done" ? (
          <ProgressBar
            label="Download progress"
            value={state.records}
            max={state.total}
            text={`${state.status === "done" ? "Saved · " : ""}${progressText(state.records, state.total, "records", eta)} · ${(state.bytes / 1_000_000).toFixed(1)} MB`}
          />
        ) : null}
        {state.status === "failed" ? (
          <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
            {state.error}
          </p>
        ) : null}
        {current ? (
          <details className="text-sm">
            <summary className="cursor-pointer text-slate-700">
              The same export from the API or the command line
            </summary>
            <p className="mt-2 text-slate-600">With an API key that has the datasets:export scope:</p>
            <pre className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 text-xs">
              {`curl -fH "Authorization: Bearer <key>" \\\n  "${typeof window === "undefined" ? "" : window.location.origin}/api/v1/exports/${format}?${current.query}" > ${fileName}`}
            </pre>
            <p className="mt-2 text-slate-600">On the server, against the same database:</p>
            <pre className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 text-xs">
              {cliLine(format, filters, current.asOf, fileName)}
            </pre>
          </details>
        ) : null}
      </aside>
      {current && current.records > 0 ? (
        <div className="min-w-0 lg:col-span-2">
          <ExportPreviewPanel format={format} query={current.query} />
        </div>
      ) : null}
    </form>
  );
}

function cliLine(format: FormatId, f: Filters, asOf: string, out: string): string {
  const args = [`--format ${format}`];
  if (f.since) args.push(`--since ${f.since}`);
  if (f.until) args.push(`--until ${f.until}`);
  if (f.decision.length) args.push(`--decision ${f.decision.join(",")}`);
  if (f.tags.length) args.push(`--tags ${f.tags.join(",")}`);
  if (f.policyVersion) args.push(`--policy-version ${f.policyVersion}`);
  if (f.minRating) args.push(`--min-rating ${f.minRating}`);
  if (f.model) args.push(`--model ${f.model}`);
  if (!f.demo) args.push("--no-demo");
  if (f.redactOrders) args.push("--redact-orders");
  else if (f.redact) args.push("--redact");
  args.push(`--as-of ${asOf}`, `--out ${out}`);
  return `npm run export -- ${args.join(" ")}`;
}
