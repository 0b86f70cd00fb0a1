import type { Metadata } from "next";
import { connection } from "next/server";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { getPublishedPolicyRow, listPolicyVersions } from "@/db/queries/policies";
import { requirePageScope } from "@/lib/auth/guards";
import { formatDateTime, humanize } from "@/lib/format";
import { rulesSchema } from "@/lib/guardrails/rules";

export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  await connection();
  await requirePageScope("policies:write");
  const db = await getDb();
  const [published, versions] = await Promise.all([getPublishedPolicyRow(db), listPolicyVersions(db)]);
  const rules = published ? rulesSchema.safeParse(published.rules) : null;

  return (
    <section aria-labelledby="policies-heading" className="space-y-6">
      <h1 id="policies-heading" className="text-xl font-semibold">
        Guardrail policies
      </h1>
      {published ? (
        <div className="rounded bg-white p-5 shadow-sm">
          <h2 className="text-lg font-semibold">
            Published: version {published.version}{" "}
            <span className="text-sm font-normal text-slate-500">
              {published.publishedAt ? `since ${formatDateTime(published.publishedAt)}` : null}
            </span>
          </h2>
          <h3 className="mt-4 font-medium">Planner instructions</h3>
          <p className="mt-1 whitespace-pre-wrap text-sm text-slate-700">{published.instructions}</p>
          <h3 className="mt-4 font-medium">Rules</h3>
          {rules?.success ? (
            <ul className="mt-2 space-y-2">
              {rules.data.map((rule) => (
                <li key={rule.id} className="rounded border border-slate-200 p-3 text-sm">
                  <div className="flex items-center gap-2">
                    <span className="font-medium">{rule.name}</span>
                    <Badge>{humanize(rule.type)}</Badge>
                  </div>
                  <p className="mt-1 text-slate-600">{rule.explanation}</p>
                </li>
              ))}
            </ul>
          ) : (
            <p role="alert" className="mt-2 text-sm text-red-700">
              The stored rules of this version do not validate; the agent escalates every ticket until a valid
              version is published.
            </p>
          )}
        </div>
      ) : (
        <p role="alert">No policy version is published.</p>
      )}
      <div className="rounded bg-white p-5 shadow-sm">
        <h2 className="text-lg font-semibold">History</h2>
        <ul className="mt-2 text-sm">
          {versions.map((v) => (
            <li key={v.id} className="border-t border-slate-100 py-2">
              Version {v.version} · {v.status}
              {v.publishedAt
                ? ` · published ${formatDateTime(v.publishedAt)} by ${v.publishedBy ?? "unknown"}`
                : ""}
              {v.note ? <div className="text-slate-600">{v.note}</div> : null}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
