"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { claimNext } from "@/app/(app)/queue/actions";
import { undoDecisionAction } from "@/app/(app)/tickets/[id]/review-actions";
import { useToast } from "@/components/ui/toast";
import { UNDO_WINDOW_MS } from "@/lib/delivery/undo-window";

const STAY_KEY = "countersign.stayAfterDecision";

/** Whether to stay on the ticket after a decision (remembered in this browser); moving on is the default. */
export function useStayPreference() {
  const [stay, setStay] = useState(false);
  useEffect(() => setStay(localStorage.getItem(STAY_KEY) === "1"), []);
  const update = (next: boolean) => {
    setStay(next);
    localStorage.setItem(STAY_KEY, next ? "1" : "0");
  };
  return [stay, update] as const;
}

/**
 * After a decision: a confirmation with Undo (for the undo window, while the
 * outbox holds the message), then the next item of the queue, or this
 * ticket again when the reviewer chose to stay.
 */
export function useAfterDecision(ticketId: string, skip: string[]) {
  const router = useRouter();
  const toast = useToast();
  return async (done: { message: string; reviewId: string; actionId: string; stay: boolean }) => {
    const undo = async () => {
      const r = await undoDecisionAction(done.reviewId);
      toast(r.ok ? { text: r.message ?? "Undone." } : { text: r.error, tone: "error" });
      if (r.ok) router.push(`/tickets/${ticketId}?action=${done.actionId}`);
      router.refresh();
    };
    const action = { label: "Undo", onPress: () => void undo() };
    if (done.stay) {
      toast({ text: done.message, action, durationMs: UNDO_WINDOW_MS });
      router.refresh();
      return;
    }
    const next = await claimNext(skip);
    if (next.ok && next.data) {
      toast({ text: `${done.message} Showing the next item.`, action, durationMs: UNDO_WINDOW_MS });
      router.push(`/tickets/${next.data.ticketId}?action=${next.data.actionId}`);
    } else {
      toast({ text: `${done.message} ${next.ok ? "" : next.error}`, action, durationMs: UNDO_WINDOW_MS });
      router.refresh();
    }
  };
}
