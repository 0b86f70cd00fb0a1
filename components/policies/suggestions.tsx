import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { ChangeKind } from "@/lib/guardrails/dry-run";
import type { DryRunSuggestion } from "@/lib/guardrails/suggestions/load";
import type { SuggestionKind } from "@/lib/guardrails/suggestions/types";
import { AGREEMENT } from "./agreement-labels";
import { OpenSuggestionButton } from "./open-suggestion-button";

const KIND_LABEL: Record<SuggestionKind, string> = {
  new_escalation_rule: "New escalation rule",
  narrow_rule: "Narrow a rule",
  instruction_line: "Planner instruction",
};
const CHANGE_LABEL: Record<ChangeKind, string> = {
  newly_blocked: "would be blocked",
  newly_escalated: "would be escalated",
  no_longer_blocked: "would no longer be blocked",
  no_longer_escalated: "would no longer be escalated",
};

function DryRun({ suggestion }: { suggestion: DryRunSuggestion }) {
  const { dryRun, change } = suggestion;
  if (change.type === "add_instruction") {
    return (
      <p className="text-sm text-slate-600">
        An instruction changes what the planner writes, not what the gate decides: the dry-run replays rules,
        so it shows no change for this one.
      </p>
    );
  }
  const total = dryRun.agreement.agrees + dryRun.agreement.disagrees + dryRun.agreement.unknown;
  return (
    <section aria-label={`Dry-run of ${suggestion.title}`} className="space-y-2">
      <p className="text-sm">
        Dry-run over {dryRun.runsReplayed} decided runs: {total} change{total === 1 ? "" : "s"};{" "}
        {dryRun.agreement.agrees} agree with what reviewers decided, {dryRun.agreement.disagrees} go against
        it, {dryRun.agreement.unknown} have no review to compare.
      </p>
      {dryRun.changes.length > 0 ? (
        <ul className="space-y-1 text-sm">
          {dryRun.changes.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center gap-2">
              <Link href={`/tickets/${c.ticketId}`} className="text-sky-800 underline">
                {c.subject}
              </Link>
              <span>{CHANGE_LABEL[c.kind]}</span>
              <Badge tone={AGREEMENT[c.agreement].tone}>{AGREEMENT[c.agreement].label}</Badge>
            </li>
          ))}
        </ul>
      ) : null}
      {dryRun.omitted > 0 ? <p className="text-sm text-slate-600">and {dryRun.omitted} more.</p> : null}
    </section>
  );
}

/** Policy changes mined from recent reviews, each with its evidence and its dry-run over history. */
export function Suggestions({
  suggestions,
  draftVersion,
}: {
  suggestions: DryRunSuggestion[];
  draftVersion: number | null;
}) {
  return (
    <section aria-labelledby="suggestions-heading" className="space-y-3">
      <h2 id="suggestions-heading" className="text-lg font-semibold">
        Suggested changes
      </h2>
      {suggestions.length === 0 ? (
        <p className="text-sm text-slate-600">
          No suggestion from the last 30 days of reviews. Suggestions come from reasons reviewers give
          ("Should have escalated", "Should not have escalated") and from sentences they keep adding or
          removing.
        </p>
      ) : null}
      {draftVersion !== null && suggestions.length > 0 ? (
        <p className="text-sm text-slate-600">
          Draft version {draftVersion} is open: publish or discard it before opening a suggestion as a draft.
        </p>
      ) : null}
      {suggestions.map((s) => (
        <article key={s.id} aria-label={s.title} className="space-y-2 rounded bg-white p-4 shadow-sm">
          <div className="flex flex-wrap items-center gap-2">
            <Badge>{KIND_LABEL[s.kind]}</Badge>
            <h3 className="font-medium">{s.title}</h3>
          </div>
          <p className="text-sm">{s.rationale}</p>
          {s.change.type === "add_instruction" ? (
            <p className="rounded bg-slate-50 p-2 text-sm">{s.change.line}</p>
          ) : null}
          <details className="text-sm">
            <summary>
              Evidence: {s.support} review{s.support === 1 ? "" : "s"}
            </summary>
            <ul className="mt-1 space-y-1">
              {s.evidence.map((e) => (
                <li key={e.reviewId}>
                  <Link href={`/tickets/${e.ticketId}`} className="text-sky-800 underline">
                    {e.subject}
                  </Link>{" "}
                  <span className="text-slate-600">({e.detail})</span>
                </li>
              ))}
            </ul>
          </details>
          <DryRun suggestion={s} />
          {draftVersion === null ? <OpenSuggestionButton suggestionId={s.id} title={s.title} /> : null}
        </article>
      ))}
    </section>
  );
}
