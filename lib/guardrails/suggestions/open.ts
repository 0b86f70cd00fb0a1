import type { Db } from "@/db";
import { AppError } from "@/lib/errors";
import { type Actor, type SavedDraft, savePolicyDraft } from "../drafts";
import { type DryRunResult, dryRunPolicyDraft } from "../dry-run";
import { mineCurrentSuggestions, SUGGESTION_WINDOW } from "./load";
import { applySuggestion } from "./mine";

/**
 * Opens a suggestion as the policy draft (the published policy with the
 * change applied, checked like any draft) and dry-runs it over history, so the
 * admin sees its effect before editing, discarding or publishing it.
 */
export async function openSuggestionAsDraft(
  db: Db,
  actor: Actor,
  suggestionId: string,
): Promise<{ draft: SavedDraft; dryRun: DryRunResult }> {
  const { published, suggestions } = await mineCurrentSuggestions(db);
  const suggestion = suggestions.find((s) => s.id === suggestionId);
  if (!suggestion) {
    throw new AppError(
      "not_found:policy",
      "This suggestion no longer applies (the policy or the reviews changed). Reload the page to see the current ones.",
    );
  }
  const content = applySuggestion(suggestion, published);
  const draft = await savePolicyDraft(db, actor, {
    rules: content.rules,
    instructions: content.instructions,
    note: `Suggested: ${suggestion.title}`.slice(0, 500),
  });
  return { draft, dryRun: await dryRunPolicyDraft(db, draft.id, SUGGESTION_WINDOW.dryRunRuns) };
}
