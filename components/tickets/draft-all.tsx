"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { draftAllNewAction } from "@/app/(app)/tickets/actions";
import { ProgressBar } from "@/components/ui/progress-bar";
import { useEta } from "@/components/ui/use-eta";
import { progressText } from "@/lib/format-eta";
import { TICKET_PROGRESS_KEY, type TicketProgress, useTicketProgress } from "./use-ticket-progress";

interface Answer {
  ok: boolean;
  text: string;
  /** New tickets when the answer was given: once the counts move on, the answer is no longer current. */
  newAt?: number;
}

/**
 * "Draft all new": queues every new ticket, then a progress bar from the total
 * queued to done. What is left is read from the same counts as the status
 * filters beside it (tickets still new or being drafted), so the two agree.
 */
export function DraftAll() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [total, setTotal] = useState(0);
  const queryClient = useQueryClient();
  const watching = total > 0;
  const progress = useTicketProgress(watching ? 1000 : false, watching);
  const counts = progress.data?.counts;
  const left = counts ? Math.min(total, (counts.new ?? 0) + (counts.drafting ?? 0)) : total;
  const done = total - left;
  const eta = useEta(done, total, watching);

  useEffect(() => {
    if (watching && left === 0) {
      setTotal(0);
      // Keep what was queued beside the outcome: a fast queue finishes before anyone reads it.
      setAnswer((queued) => ({
        ok: true,
        text: `${queued?.ok && queued.text ? `${queued.text} ` : ""}All queued tickets are drafted.`,
      }));
      router.refresh();
    }
  }, [watching, left, router]);

  const stale = answer?.newAt !== undefined && counts !== undefined && (counts.new ?? 0) !== answer.newAt;

  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        disabled={pending || watching}
        onClick={() =>
          startTransition(async () => {
            const result = await draftAllNewAction();
            if (!result.ok) {
              setAnswer({ ok: false, text: result.error });
              return;
            }
            const data = result.data ?? { queued: 0, counts: {} };
            // The answer's own reading becomes the counts on screen: the button and the filters agree.
            queryClient.setQueryData<TicketProgress>(TICKET_PROGRESS_KEY, (old) => ({
              queued: old?.queued ?? 0,
              counts: data.counts,
            }));
            setAnswer({
              ok: true,
              text: result.message ?? "",
              newAt: data.queued ? undefined : (data.counts.new ?? 0),
            });
            setTotal(data.queued);
          })
        }
        className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
      >
        {pending ? "Queueing…" : watching ? "Drafting…" : "Draft all new"}
      </button>
      {watching ? (
        <ProgressBar
          label="Drafting progress"
          value={done}
          max={total}
          text={`Drafting ${progressText(done, total, "tickets", eta)} · ${counts?.awaiting_review ?? 0} awaiting review`}
        />
      ) : null}
      {answer && !stale ? (
        <span role={answer.ok ? "status" : "alert"} className={`text-sm ${answer.ok ? "" : "text-red-800"}`}>
          {answer.text}
        </span>
      ) : null}
    </div>
  );
}
