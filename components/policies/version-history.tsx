import { Badge, type Tone } from "@/components/ui/badge";
import type { PolicyVersionSummary } from "@/db/queries/policies";
import { formatDateTime } from "@/lib/format";
import { RollbackButton } from "./rollback-button";

const STATUS_TONE: Record<string, Tone> = { published: "ok", draft: "warn", retired: "neutral" };

/** Every version, who wrote and published it and when; earlier ones can be rolled back to. */
export function VersionHistory({
  versions,
  publishedId,
}: {
  versions: PolicyVersionSummary[];
  publishedId: string | null;
}) {
  return (
    <section aria-labelledby="history-heading" className="rounded bg-white p-5 shadow-sm">
      <h2 id="history-heading" className="text-lg font-semibold">
        History
      </h2>
      <table aria-labelledby="history-heading" className="mt-2 w-full text-left text-sm">
        <thead className="text-xs text-slate-500">
          <tr>
            <th className="py-1 pr-2">Version</th>
            <th className="py-1 pr-2">Status</th>
            <th className="py-1 pr-2">Note</th>
            <th className="py-1 pr-2">Written</th>
            <th className="py-1 pr-2">Published</th>
            <th className="py-1">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} className="border-t border-slate-100 align-top">
              <td className="py-2 pr-2 whitespace-nowrap">Version {v.version}</td>
              <td className="py-2 pr-2">
                <Badge tone={STATUS_TONE[v.status] ?? "neutral"}>{v.status}</Badge>
              </td>
              <td className="py-2 pr-2 text-slate-700">{v.note ?? "—"}</td>
              <td className="py-2 pr-2">
                {v.createdBy ?? "seed"}
                <div className="text-xs text-slate-500">{formatDateTime(v.createdAt)}</div>
              </td>
              <td className="py-2 pr-2">
                {v.publishedAt ? (
                  <>
                    {v.publishedBy ?? "a former user"}
                    <div className="text-xs text-slate-500">{formatDateTime(v.publishedAt)}</div>
                  </>
                ) : (
                  "—"
                )}
              </td>
              <td className="py-2">
                {v.status === "retired" ? (
                  <RollbackButton versionId={v.id} version={v.version} publishedId={publishedId} />
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
