import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { CategoryToggle } from "@/components/autopilot/category-toggle";
import { Badge } from "@/components/ui/badge";
import { Table, TableHead, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import { requirePageScope } from "@/lib/auth/guards";
import { listPromoted } from "@/lib/autopilot/categories";
import { type AutopilotWindow, WINDOWS, windowSchema, windowStart } from "@/lib/autopilot/inputs";
import { BLOCKER_LABELS, eligibility } from "@/lib/autopilot/rules";
import { emptyStats, loadCategoryStats } from "@/lib/autopilot/stats";
import { humanize } from "@/lib/format";
import { loadPolicySettings } from "@/lib/guardrails/settings";
import { REASON_LABELS, type ReasonTag } from "@/lib/review/schema";

export const metadata: Metadata = { title: "Autopilot" };

const WINDOW_LABELS: Record<AutopilotWindow, string> = {
  "7": "Last 7 days",
  "30": "Last 30 days",
  "90": "Last 90 days",
  all: "All reviews",
};

const percent = (value: number | null) => (value === null ? "—" : `${(value * 100).toFixed(1)} %`);

export default async function AutopilotPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  await requirePageScope("policies:write");
  const window = windowSchema.parse((await searchParams).window);
  const db = await getDb();
  const policy = await getPublishedPolicyRow(db);
  if (!policy) {
    return (
      <p role="status" className="rounded bg-white p-4 shadow-sm">
        No policy version is published: autopilot works under the published policy.
      </p>
    );
  }
  const settings = loadPolicySettings(policy.settings).autopilot;
  const [stats, promoted] = await Promise.all([
    loadCategoryStats(db, policy.id, windowStart(window)),
    listPromoted(db, policy.id),
  ]);
  const isPromoted = (intent: string, kind: string) =>
    promoted.some((p) => p.intent === intent && p.actionKind === kind);
  const rows = [
    ...stats,
    ...promoted
      .filter((p) => !stats.some((s) => s.intent === p.intent && s.actionKind === p.actionKind))
      .map((p) => emptyStats(p)),
  ];

  return (
    <div className="space-y-4">
      <header className="space-y-1">
        <h1 className="text-xl font-semibold">Autopilot</h1>
        <p className="text-sm text-slate-700">
          Categories (triage intent × action kind) under policy version {policy.version}. A category is
          eligible when the 95 % Wilson lower bound of its approve-as-is rate reaches{" "}
          {percent(settings.threshold)} over at least {settings.minReviews} reviews by people, and it is
          neither a risk category nor an escalation. On autopilot, actions that pass the gate and verification
          are approved by the system; {percent(settings.sampleRate)} still go to reviewers, and the category
          is demoted as soon as their verdicts bring the bound below the threshold.
        </p>
        <nav aria-label="Window" className="flex flex-wrap gap-3 text-sm">
          {WINDOWS.map((w) => (
            <Link
              key={w}
              href={`/autopilot?window=${w}`}
              aria-current={w === window ? "page" : undefined}
              className={w === window ? "font-semibold" : "text-sky-800 underline"}
            >
              {WINDOW_LABELS[w]}
            </Link>
          ))}
        </nav>
      </header>
      {rows.length === 0 ? (
        <p role="status">No reviews under this policy version in this window.</p>
      ) : (
        <Table label="Categories">
          <TableHead>
            <Th>Category</Th>
            <Th>Reviewed</Th>
            <Th>Approved as is (lower bound)</Th>
            <Th>Edits (mean distance)</Th>
            <Th>Rejection reasons</Th>
            <Th>Hallucination tags</Th>
            <Th>Auto-approved</Th>
            <Th>Autopilot</Th>
          </TableHead>
          <tbody>
            {rows.map((s) => {
              const check = eligibility(s, s, settings);
              const on = isPromoted(s.intent, s.actionKind);
              const name = `${s.intent ? humanize(s.intent) : "untriaged"} ${s.actionKind}`;
              const label = name.charAt(0).toUpperCase() + name.slice(1);
              return (
                <tr key={`${s.intent}:${s.actionKind}`} className="border-t border-slate-200 align-top">
                  <Th scope="row">{label}</Th>
                  <Td>{s.reviewed}</Td>
                  <Td>
                    {percent(s.reviewed ? s.approvedAsIs / s.reviewed : null)} ({percent(check.lowerBound)})
                  </Td>
                  <Td>
                    {percent(s.reviewed ? s.edited / s.reviewed : null)} (
                    {s.meanEditDistance === null ? "—" : s.meanEditDistance.toFixed(2)})
                  </Td>
                  <Td>
                    {s.rejectionReasons.length
                      ? s.rejectionReasons
                          .map((r) => `${REASON_LABELS[r.tag as ReasonTag] ?? humanize(r.tag)} ${r.count}`)
                          .join(", ")
                      : "—"}
                  </Td>
                  <Td>{s.hallucinations}</Td>
                  <Td>{s.autoApproved}</Td>
                  <Td>
                    {on ? (
                      <Badge tone="ok">On autopilot</Badge>
                    ) : check.eligible ? (
                      <Badge tone="info">Eligible</Badge>
                    ) : (
                      <span className="text-slate-600">
                        {check.blockers.map((b) => BLOCKER_LABELS[b]).join("; ")}
                      </span>
                    )}
                    {on || check.eligible ? (
                      <CategoryToggle
                        policyVersionId={policy.id}
                        intent={s.intent}
                        actionKind={s.actionKind}
                        window={window}
                        promoted={on}
                        label={label}
                      />
                    ) : null}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </div>
  );
}
