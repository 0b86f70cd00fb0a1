"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect } from "react";
import { ProgressBar } from "@/components/ui/progress-bar";
import { useEta } from "@/components/ui/use-eta";
import { progressText } from "@/lib/format-eta";
import { RECENT_IMPORTS_KEY, useImportJob } from "./use-import-job";

const n = (v: number) => v.toLocaleString("en-US");

/** One import's progress bar while it runs, then its outcome with the rows that failed. */
export function ImportProgressPanel({ importId, fileName }: { importId: string; fileName: string }) {
  const job = useImportJob(importId);
  const queryClient = useQueryClient();
  const data = job.data;
  const active = data?.status === "queued" || data?.status === "running";
  const eta = useEta(data?.processed ?? 0, data?.total ?? 0, active);
  const finished = data && !active;
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: RECENT_IMPORTS_KEY });
  }, [finished, queryClient]);

  return (
    <section aria-label={`Import of ${fileName}`} className="space-y-3 rounded bg-white p-5 shadow-sm">
      <h2 className="text-lg font-semibold [overflow-wrap:anywhere]">Importing {fileName}</h2>
      {job.isError ? (
        <p role="alert" className="text-sm text-red-800">
          {job.error.message}
        </p>
      ) : null}
      {data ? (
        <ProgressBar
          label="Import progress"
          value={data.processed}
          max={data.total}
          text={
            data.status === "queued"
              ? `Waiting to start · ${n(data.total)} rows`
              : progressText(data.processed, data.total, "rows", eta)
          }
        />
      ) : (
        <p className="text-sm">Reading the import…</p>
      )}
      {active ? (
        <p className="text-sm text-slate-600">
          You can leave this page: the import continues, and Recent imports below shows how it went.
        </p>
      ) : null}
      {finished ? <ImportOutcome job={data} /> : null}
    </section>
  );
}

function ImportOutcome({
  job,
}: {
  job: {
    status: string;
    created: number;
    skipped: number;
    failed: number;
    errors: { line: number; message: string }[];
  };
}) {
  return (
    <div className="space-y-2">
      <p role="status" className="rounded bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
        {job.status === "failed" ? "The import failed. " : "Import finished: "}
        {n(job.created)} created, {n(job.skipped)} already imported (skipped), {n(job.failed)} failed.
        {job.created ? " The agent drafts the new tickets in the background. " : " "}
        <Link href="/tickets?status=new" className="underline">
          See new tickets
        </Link>
      </p>
      {job.errors.length ? (
        <div>
          <h3 className="text-sm font-medium">
            Rows that were not imported{job.failed > job.errors.length ? ` (first ${job.errors.length})` : ""}
          </h3>
          <ul className="mt-1 list-disc pl-5 text-sm text-red-800">
            {job.errors.map((e) => (
              <li key={`${e.line}-${e.message}`}>
                Line {e.line}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
