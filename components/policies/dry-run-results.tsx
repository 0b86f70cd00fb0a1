import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { Agreement, ChangeKind, DryRunResult } from "@/lib/guardrails/dry-run";
import { AGREEMENT } from "./agreement-labels";
import { DryRunShapeSummary } from "./dry-run-shape";

const KIND_LABEL: Record<ChangeKind, string> = {
  newly_blocked: "Newly blocked",
  newly_escalated: "Newly escalated",
  no_longer_blocked: "No longer blocked",
  no_longer_escalated: "No longer escalated",
};

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

function agreementSentence(changes: number, a: Record<Agreement, number>): string {
  const verb = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    `Of ${plural(changes, "change")}, ${verb(a.agrees, "agrees", "agree")} with what reviewers decided, ` +
    `${verb(a.disagrees, "goes", "go")} against it, and ${verb(a.unknown, "has", "have")} no review to compare.`
  );
}

/** What a draft would change on decided runs, per rule, each change linked to its ticket. */
export function DryRunResults({ result }: { result: DryRunResult }) {
  const changes = result.agreement.agrees + result.agreement.disagrees + result.agreement.unknown;
  return (
    <section aria-label="Dry-run results" className="space-y-3 rounded border border-slate-200 p-3">
      <p className="text-sm">
        Replayed {plural(result.runsReplayed, "decided run")} ({plural(result.ticketsReplayed, "ticket")})
        under draft version {result.draftVersion} in {result.elapsedMs.toLocaleString("en-US")} ms.
      </p>
      <DryRunShapeSummary shape={result.shape} />
      {result.runsReplayed === 0 ? (
        <p className="text-sm text-slate-600">
          No run has been decided yet, so there is nothing to replay. Review some drafts first.
        </p>
      ) : changes === 0 ? (
        <p className="text-sm font-medium">No decided run would change under this draft.</p>
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-5">
            {(Object.keys(KIND_LABEL) as ChangeKind[]).map((kind) => (
              <div key={kind}>
                <dt className="text-slate-500">{KIND_LABEL[kind]}</dt>
                <dd className="font-medium">{result.totals[kind]}</dd>
              </div>
            ))}
            <div>
              <dt className="text-slate-500">Tickets affected</dt>
              <dd className="font-medium">{result.affectedTickets}</dd>
            </div>
          </dl>
          <p className="text-sm">{agreementSentence(changes, result.agreement)}</p>
          {result.rules.map((rule) => (
            <section key={rule.ruleId} aria-label={`Changes by ${rule.ruleName}`} className="text-sm">
              <h4 className="font-medium">
                {rule.ruleName} <code className="text-xs text-slate-500">{rule.ruleId}</code>
                {rule.inDraft ? null : <span className="text-slate-500"> (not in the draft)</span>}
              </h4>
              <p className="text-slate-600">
                {(Object.keys(KIND_LABEL) as ChangeKind[])
                  .filter((k) => rule.counts[k] > 0)
                  .map((k) => `${KIND_LABEL[k]}: ${rule.counts[k]}`)
                  .join(" · ")}{" "}
                · agrees {rule.agreement.agrees}, against {rule.agreement.disagrees}, unknown{" "}
                {rule.agreement.unknown}
              </p>
              <div className="mt-1 overflow-x-auto">
                <table className="w-full text-left">
                  <thead className="text-xs text-slate-500">
                    <tr>
                      <th className="py-1 pr-2">Ticket</th>
                      <th className="py-1 pr-2">Change</th>
                      <th className="py-1 pr-2">What would happen</th>
                      <th className="py-1 pr-2">Reviewer decided</th>
                      <th className="py-1">Agreement</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rule.changes.map((c) => (
                      <tr key={c.id} className="border-t border-slate-100 align-top">
                        <td className="py-1 pr-2">
                          <Link href={`/tickets/${c.ticketId}`} className="text-sky-800 underline">
                            {c.externalId}
                          </Link>
                          <div className="text-xs text-slate-500">{c.subject}</div>
                        </td>
                        <td className="py-1 pr-2">{KIND_LABEL[c.kind]}</td>
                        <td className="py-1 pr-2">{c.detail}</td>
                        <td className="py-1 pr-2">{c.decided}</td>
                        <td className="py-1">
                          <Badge tone={AGREEMENT[c.agreement].tone}>{AGREEMENT[c.agreement].label}</Badge>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {rule.omitted > 0 ? (
                <p className="text-xs text-slate-500">…and {rule.omitted} more changes by this rule.</p>
              ) : null}
            </section>
          ))}
        </>
      )}
    </section>
  );
}
