"use client";

import { useState, useTransition } from "react";
import { type CsvPreview, previewCsvAction, startCsvImportAction } from "@/app/(app)/tickets/import/actions";
import { Badge, type Tone } from "@/components/ui/badge";
import { ImportProgressPanel } from "./import-progress";

const MAX_BYTES = 900_000;

const OUTCOME: Record<CsvPreview["rows"][number]["outcome"], { label: string; tone: Tone }> = {
  new: { label: "new", tone: "ok" },
  existing: { label: "already imported", tone: "neutral" },
  conflict: { label: "conflicts with a stored ticket", tone: "warn" },
  invalid: { label: "invalid", tone: "danger" },
};

/** Upload a CSV, see every row checked, then import the valid rows as a background job with a progress bar. */
export function CsvImport({ columns }: { columns: readonly string[] }) {
  const [csv, setCsv] = useState<string | null>(null);
  const [fileName, setFileName] = useState("");
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const choose = async (file: File | undefined) => {
    setPreview(null);
    setImportId(null);
    setError(null);
    setCsv(null);
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setError(
        `${file.name} is ${Math.round(file.size / 1000)} kB; upload at most 900 kB at a time (split the file).`,
      );
      return;
    }
    setFileName(file.name);
    setCsv(await file.text());
  };

  const runPreview = () =>
    startTransition(async () => {
      if (csv === null) return;
      setImportId(null);
      const result = await previewCsvAction(csv);
      if (result.ok && result.data) {
        setPreview(result.data);
        setError(null);
      } else {
        setPreview(null);
        setError(result.ok ? "The preview came back empty; try again." : result.error);
      }
    });

  const runImport = () =>
    startTransition(async () => {
      if (csv === null) return;
      const result = await startCsvImportAction({ fileName, csv });
      if (result.ok && result.data) {
        setImportId(result.data.importId);
        setPreview(null);
        setError(null);
      } else setError(result.ok ? "The import was not accepted; try again." : result.error);
    });

  return (
    <div className="space-y-4">
      <div className="space-y-3 rounded bg-white p-5 shadow-sm">
        <div>
          <label htmlFor="csv-file" className="block text-sm font-medium">
            CSV file
          </label>
          <input
            id="csv-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => choose(e.target.files?.[0])}
            aria-describedby="csv-help"
            className="mt-1 block text-sm file:mr-3 file:rounded file:border file:border-slate-300 file:bg-white file:px-3 file:py-1"
          />
          <p id="csv-help" className="mt-1 text-xs text-slate-600">
            A header row naming the columns <code>{columns.join(",")}</code> (customerRef and channel
            optional; channel defaults to email), then one ticket per row. Up to 1,000 rows and 900 kB.
          </p>
        </div>
        <button
          type="button"
          onClick={runPreview}
          disabled={csv === null || pending}
          className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm disabled:opacity-60"
        >
          {pending ? "Working…" : "Preview"}
        </button>
      </div>
      {error ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      {importId ? <ImportProgressPanel key={importId} importId={importId} fileName={fileName} /> : null}
      {preview ? (
        <div className="min-w-0 space-y-3 rounded bg-white p-5 shadow-sm">
          <div className="flex flex-wrap items-center gap-3">
            <h2 className="text-lg font-semibold [overflow-wrap:anywhere]">
              {fileName}: {preview.rows.length} row{preview.rows.length === 1 ? "" : "s"}, {preview.valid}{" "}
              valid
            </h2>
            <button
              type="button"
              onClick={runImport}
              aria-busy={pending}
              disabled={pending || preview.valid === 0}
              className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
            >
              Import {preview.valid} valid row{preview.valid === 1 ? "" : "s"}
            </button>
          </div>
          {preview.ignoredColumns.length ? (
            <p className="text-sm text-slate-600 [overflow-wrap:anywhere]">
              Ignored columns: {preview.ignoredColumns.join(", ")}.
            </p>
          ) : null}
          <table
            className="w-full border-collapse text-sm [&_td]:[overflow-wrap:anywhere]"
            aria-label="Rows in the file"
          >
            <thead className="bg-slate-100 text-left">
              <tr>
                <th className="px-2 py-1">Row</th>
                <th className="px-2 py-1">External id</th>
                <th className="px-2 py-1">Subject</th>
                <th className="px-2 py-1">From</th>
                <th className="px-2 py-1">Channel</th>
                <th className="px-2 py-1">Result</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.row} className="border-t border-slate-100 align-top">
                  <td className="px-2 py-1">
                    {r.row} <span className="text-xs text-slate-600">(line {r.line})</span>
                  </td>
                  <td className="px-2 py-1 font-mono">{r.externalId || "—"}</td>
                  <td className="px-2 py-1">{r.subject || "—"}</td>
                  <td className="px-2 py-1">{r.from || "—"}</td>
                  <td className="px-2 py-1">{r.channel}</td>
                  <td className="px-2 py-1">
                    <Badge tone={OUTCOME[r.outcome].tone}>{OUTCOME[r.outcome].label}</Badge>
                    {r.errors.length ? (
                      <ul className="mt-1 list-disc pl-4 text-red-800">
                        {r.errors.map((e) => (
                          <li key={e}>{e}</li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
