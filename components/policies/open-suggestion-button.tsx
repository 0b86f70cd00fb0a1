"use client";

import { useState, useTransition } from "react";
import { openSuggestionAction } from "@/app/(app)/policies/suggestion-actions";
import { Button } from "@/components/ui/button";

/** Opens a suggestion as the policy draft, then reloads the page so the editor holds it. */
export function OpenSuggestionButton({ suggestionId, title }: { suggestionId: string; title: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div>
      <Button
        variant="primary"
        disabled={pending}
        aria-label={`Open as draft: ${title}`}
        onClick={() =>
          startTransition(async () => {
            const result = await openSuggestionAction({ suggestionId });
            if (!result.ok) {
              setError(result.error);
              return;
            }
            // A full load: the editor starts from the new draft.
            window.location.assign(`/policies?opened=${result.data?.version ?? ""}`);
          })
        }
      >
        Open as draft
      </Button>
      {error ? (
        <p role="alert" className="mt-1 text-sm text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}
