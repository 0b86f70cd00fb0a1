import type { Db } from "@/db/client";
import { DRAFT_QUEUE, OUTBOX_QUEUE } from "@/lib/jobs/names";
import { SpanKind, tracingActive, withSpan } from "./spans";
import { outboxTraceparent, ticketTraceparent } from "./stored-context";

/**
 * A `countersign.job.<queue>` span around one job. The job joins the trace
 * stored with its row (read only when tracing is on), so one ticket's work
 * shares a trace in whichever process works the job.
 */
async function traceJob<T>(
  queue: string,
  attributes: Record<string, string>,
  traceparent: () => Promise<string | null>,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingActive()) return work();
  return withSpan(
    `countersign.job.${queue}`,
    { attributes, traceparent: await traceparent(), kind: SpanKind.CONSUMER },
    work,
  );
}

/** A drafting job, in the trace of its ticket's ingest. */
export function traceDraftJob<T>(db: Db, ticketId: string, work: () => Promise<T>): Promise<T> {
  return traceJob(
    DRAFT_QUEUE,
    { "countersign.ticket.id": ticketId },
    () => ticketTraceparent(db, ticketId),
    work,
  );
}

/** A delivery job, in the trace of the decision that queued it. */
export function traceOutboxJob<T>(db: Db, outboxId: string, work: () => Promise<T>): Promise<T> {
  return traceJob(
    OUTBOX_QUEUE,
    { "countersign.outbox.id": outboxId },
    () => outboxTraceparent(db, outboxId),
    work,
  );
}
