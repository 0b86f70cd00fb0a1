"use client";

import { Button } from "@/components/ui/button";
import type { ClaimState } from "./use-claim";

function until(expiresAt: string): string {
  return `${expiresAt.slice(11, 16)} UTC`;
}

/** Who is reviewing this action, with "Start review" or "Release". Viewing an action claims nothing. */
export function ClaimBar({ claim, start, release, pending, error }: ClaimState) {
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      {claim?.mine ? (
        <>
          <p role="status">You are reviewing this until {until(claim.expiresAt)}.</p>
          <Button onClick={release} disabled={pending}>
            Release
          </Button>
        </>
      ) : claim ? (
        <p role="status" className="rounded bg-amber-50 px-2 py-1 text-amber-900">
          Being reviewed by {claim.holder} until {until(claim.expiresAt)}. Deciding now may conflict with
          them.
        </p>
      ) : (
        <>
          <Button variant="primary" onClick={start} disabled={pending}>
            Start review
          </Button>
          <span className="text-slate-600">Nobody is reviewing this yet.</span>
        </>
      )}
      {error ? (
        <p role="alert" className="w-full rounded bg-red-50 px-2 py-1 text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}
