"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { draftAllNewAction } from "@/app/(app)/tickets/actions";
import { TICKET_PROGRESS_KEY, useTicketProgress } from "./use-ticket-progress";

/** "Draft all new": queues every new ticket and shows progress until the queue is drained. */
export function DraftAll() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [watching, setWatching] = useState(false);
  const queryClient = useQueryClient();
  const progress = useTicketProgress(watching ? 1000 : false, watching);
  const active = progress.data ? progress.data.queued + (progress.data.counts.drafting ?? 0) : null;

  useEffect(() => {
    if (watching && active === 0) {
      setWatching(false);
      // Keep what was queued beside the outcome: a fast queue finishes before anyone reads it.
      setMessage((queued) => ({
        ok: true,
        text: `${queued?.ok && queued.text ? `${queued.text} ` : ""}All queued tickets are drafted.`,
      }));
      router.refresh();
    }
  }, [watching, active, router]);

  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        disabled={pending || watching}
        onClick={() =>
          startTransition(async () => {
            const result = await draftAllNewAction();
            // The counts beside the button are read again with the answer, so the two agree.
            await queryClient.refetchQueries({ queryKey: TICKET_PROGRESS_KEY });
            setMessage(
              result.ok ? { ok: true, text: result.message ?? "" } : { ok: false, text: result.error },
            );
            if (result.ok) setWatching(true);
          })
        }
        className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
      >
        {pending ? "Queueing…" : watching ? "Drafting…" : "Draft all new"}
      </button>
      {watching && progress.data ? (
        <span
          role="progressbar"
          aria-label="Drafting progress"
          aria-valuetext={`${active} left`}
          className="text-sm"
        >
          {active} left · {progress.data.counts.awaiting_review ?? 0} awaiting review
        </span>
      ) : null}
      {message ? (
        <span
          role={message.ok ? "status" : "alert"}
          className={`text-sm ${message.ok ? "" : "text-red-800"}`}
        >
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
