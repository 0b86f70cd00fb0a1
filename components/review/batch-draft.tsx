"use client";

import type { BatchDraft } from "@/lib/review/batches";
import { EditDiff } from "./edit-diff";

/** The draft being looked at in a batch: the customer's message, the draft, and how it differs from the batch's. */
export function BatchDraftDetail({ draft, commonDraft }: { draft: BatchDraft; commonDraft: string }) {
  return (
    <article
      aria-labelledby="batch-draft-subject"
      className="space-y-3 rounded border border-slate-200 bg-white p-4"
    >
      <header>
        <h2 id="batch-draft-subject" className="text-lg font-semibold">
          {draft.subject}
        </h2>
        <p className="text-sm text-slate-600">
          {draft.externalId} · {draft.customer} · {Math.round(draft.similarity * 100)} % like the most common
          draft
        </p>
      </header>
      <section aria-label="Customer message">
        <h3 className="text-xs font-medium text-slate-500">Customer message</h3>
        <p className="mt-1 whitespace-pre-wrap break-words text-sm">{draft.customerMessage}</p>
      </section>
      <section aria-label="Draft reply">
        <h3 className="text-xs font-medium text-slate-500">Draft reply</h3>
        <p className="mt-1 whitespace-pre-wrap break-words text-sm">{draft.text}</p>
      </section>
      <EditDiff
        original={commonDraft}
        edited={draft.text}
        label="Differences from the batch's most common draft"
        unchanged="Same as the batch's most common draft."
      />
    </article>
  );
}
