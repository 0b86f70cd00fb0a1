"use client";

import { useEffect, useState, useTransition } from "react";
import { releaseReviewAction, startReviewAction } from "@/app/(app)/tickets/[id]/review-actions";
import type { ClaimView } from "@/lib/review/claims";
import { useReleaseOnLeave } from "./use-release-on-leave";

export interface ClaimState {
  claim: ClaimView | null;
  start: () => void;
  release: () => void;
  pending: boolean;
  error: string | null;
}

/**
 * The reviewer's claim on one action: taken on purpose ("Start review", or Next
 * and Enter in the queue before the page opened), given back with Release, by
 * deciding, or by leaving the action.
 */
export function useClaim(actionId: string, initial: ClaimView | null): ClaimState {
  const [claim, setClaim] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // A refreshed page brings the claim as the server holds it now.
  const { mine, holder, expiresAt } = initial ?? {};
  useEffect(() => {
    setClaim(mine !== undefined && holder && expiresAt ? { mine, holder, expiresAt } : null);
  }, [mine, holder, expiresAt]);
  useReleaseOnLeave(actionId, claim?.mine ?? false);

  const start = () =>
    startTransition(async () => {
      const r = await startReviewAction(actionId);
      if (!r.ok || !r.data) {
        setError(r.ok ? "Could not start the review." : r.error);
        return;
      }
      setError(null);
      const result = r.data;
      if (result.claimed) {
        setClaim({ mine: true, holder: "you", expiresAt: new Date(result.expiresAt).toISOString() });
      } else if (result.holder && result.expiresAt) {
        setClaim({ mine: false, holder: result.holder, expiresAt: new Date(result.expiresAt).toISOString() });
      } else {
        setError(`This action is ${result.status.replace("_", " ")}: reload the page to see its outcome.`);
      }
    });
  const release = () =>
    startTransition(async () => {
      const r = await releaseReviewAction(actionId);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      setError(null);
      setClaim(null);
    });
  return { claim, start, release, pending, error };
}
