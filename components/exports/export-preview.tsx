"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";

interface ExportPreview {
  format: string;
  records: unknown[];
}

async function fetchPreview(format: string, query: string): Promise<ExportPreview> {
  const response = await fetch(`/api/v1/exports/${format}/preview?${query}`, { cache: "no-store" });
  const body = await response.json().catch(() => null);
  if (!response.ok)
    throw new Error(body?.error?.message ?? "Could not load the preview. Try again in a moment.");
  return body as ExportPreview;
}

/** The first records of the file for the chosen format and filters, exactly as the download holds them. */
export function ExportPreviewPanel({ format, query }: { format: string; query: string }) {
  const preview = useQuery({
    queryKey: ["export-preview", format, query],
    queryFn: () => fetchPreview(format, query),
    placeholderData: keepPreviousData,
    retry: false,
  });
  return (
    <section aria-labelledby="export-preview" className="min-w-0 space-y-2 rounded bg-white p-4 shadow-sm">
      <h2 id="export-preview" className="font-medium">
        Preview: the first records of the file
      </h2>
      {preview.isError ? (
        <p role="alert" className="text-sm text-red-800">
          {preview.error.message}
        </p>
      ) : !preview.data ? (
        <p className="text-sm">Loading the preview…</p>
      ) : preview.data.records.length === 0 ? (
        <p className="text-sm text-slate-600">No records match these filters.</p>
      ) : (
        <ol aria-label="Preview records" className="space-y-2">
          {preview.data.records.map((record, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the records are a fixed, ordered slice of the file
            <li key={i}>
              <pre className="rounded bg-slate-100 p-2 text-xs whitespace-pre-wrap [overflow-wrap:anywhere]">
                {JSON.stringify(record, null, 2)}
              </pre>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
