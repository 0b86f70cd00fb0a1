"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { claimNext } from "@/app/(app)/queue/actions";

/**
 * "Next": claims the oldest action nobody holds (skipping `skip`, the ones on
 * screen) and opens it, or keeps the reason it could not.
 */
export function useClaimNext(skip?: string[]) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const next = () =>
    startTransition(async () => {
      const result = await claimNext(skip);
      if (result.ok && result.data)
        router.push(`/tickets/${result.data.ticketId}?action=${result.data.actionId}`);
      else if (!result.ok) setError(result.error);
    });
  return { next, pending, error };
}
