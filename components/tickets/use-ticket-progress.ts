"use client";

import { useQuery } from "@tanstack/react-query";

/** Tickets per status and drafting jobs still queued (GET /api/v1/tickets/progress). */
export interface TicketProgress {
  counts: Record<string, number>;
  queued: number;
}

export const TICKET_PROGRESS_KEY = ["ticket-progress"] as const;

async function fetchProgress(): Promise<TicketProgress> {
  const response = await fetch("/api/v1/tickets/progress", { cache: "no-store" });
  if (!response.ok) throw new Error("Could not load the ticket counts.");
  return response.json();
}

/**
 * The ticket counts, read again every `intervalMs` and on focus: the status
 * filters and "Draft all new" share one reading, so they never disagree.
 */
export function useTicketProgress(intervalMs: number | false, enabled = true) {
  return useQuery({
    queryKey: TICKET_PROGRESS_KEY,
    queryFn: fetchProgress,
    enabled,
    staleTime: 0,
    refetchInterval: intervalMs,
    refetchOnWindowFocus: true,
  });
}
