"use client";

import { Badge, type Tone } from "@/components/ui/badge";
import { formatDateTime } from "@/lib/format";
import type { ImportJobView } from "@/lib/imports/import-jobs";
import { useRecentImports } from "./use-import-job";

const TONE: Record<ImportJobView["status"], Tone> = {
  queued: "neutral",
  running: "info",
  done: "ok",
  failed: "danger",
};
const n = (v: number) => v.toLocaleString("en-US");

/** The latest imports and their state: an import keeps running after its page is left. */
export function RecentImports({ initial }: { initial: ImportJobView[] }) {
  const imports = useRecentImports(initial).data ?? initial;
  if (imports.length === 0) return null;
  return (
    <section aria-labelledby="recent-imports" className="space-y-2 rounded bg-white p-5 shadow-sm">
      <h2 id="recent-imports" className="text-lg font-semibold">
        Recent imports
      </h2>
      <table className="w-full border-collapse text-sm [&_td]:[overflow-wrap:anywhere]">
        <thead className="bg-slate-100 text-left">
          <tr>
            <th className="px-2 py-1">File</th>
            <th className="px-2 py-1">Uploaded (UTC)</th>
            <th className="px-2 py-1">State</th>
            <th className="px-2 py-1">Rows</th>
            <th className="px-2 py-1">Created · skipped · failed</th>
          </tr>
        </thead>
        <tbody>
          {imports.map((i) => (
            <tr key={i.id} className="border-t border-slate-100">
              <td className="px-2 py-1">{i.fileName}</td>
              <td className="px-2 py-1">{formatDateTime(new Date(i.createdAt))}</td>
              <td className="px-2 py-1">
                <Badge tone={TONE[i.status]}>{i.status}</Badge>
              </td>
              <td className="px-2 py-1">
                {n(i.processed)} of {n(i.total)}
              </td>
              <td className="px-2 py-1">
                {n(i.created)} · {n(i.skipped)} · {n(i.failed)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
