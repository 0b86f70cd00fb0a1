import { getDb } from "@/db";
import { loadSuggestionsCached } from "@/lib/guardrails/suggestions/cache";
import { Suggestions } from "./suggestions";

/**
 * The suggestions with their dry-runs, loaded on their own so the rest of the Policies page does
 * not wait for them (the page streams this section in when it is ready).
 */
export async function SuggestionsSection({ draftVersion }: { draftVersion: number | null }) {
  const mined = await loadSuggestionsCached(await getDb());
  return <Suggestions suggestions={mined.suggestions} draftVersion={draftVersion} />;
}

export function SuggestionsLoading() {
  return (
    <section aria-labelledby="suggestions-heading" aria-busy="true" className="space-y-3">
      <h2 id="suggestions-heading" className="text-lg font-semibold">
        Suggested changes
      </h2>
      <p role="status" className="text-sm text-slate-600">
        Mining recent reviews and dry-running each suggestion over history…
      </p>
    </section>
  );
}
