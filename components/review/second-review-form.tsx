"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { decideSecondReviewAction } from "@/app/(app)/second-reviews/[id]/actions";
import { Button } from "@/components/ui/button";
import { DECISIONS, type Decision } from "@/db/schema";
import { REASON_LABELS, REASON_TAGS, type ReasonTag } from "@/lib/review/schema";

const DECISION_LABELS: Record<Decision, string> = {
  approve: "Approve as is",
  edit: "Approve with edits",
  escalate: "Escalate to a person",
  reject: "Reject",
};

/** The second reviewer's judgement: what they would have decided, with reasons. */
export function SecondReviewForm({
  id,
  judgement,
}: {
  id: string;
  judgement: { decision: Decision; reasonTags: string[]; comment: string | null } | null;
}) {
  const router = useRouter();
  const [decision, setDecision] = useState<Decision | null>(judgement?.decision ?? null);
  const [tags, setTags] = useState<ReasonTag[]>((judgement?.reasonTags ?? []) as ReasonTag[]);
  const [comment, setComment] = useState(judgement?.comment ?? "");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  if (judgement) {
    return (
      <p role="status" className="rounded bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
        Your second review: {DECISION_LABELS[judgement.decision]}.
      </p>
    );
  }
  const submit = () =>
    startTransition(async () => {
      const result = await decideSecondReviewAction({ id, decision, reasonTags: tags, comment });
      setMessage(
        result.ok ? { ok: true, text: result.message ?? "Saved." } : { ok: false, text: result.error },
      );
      if (result.ok) router.refresh();
    });
  return (
    <form
      aria-label="Your judgement"
      className="space-y-3 rounded bg-white p-4 shadow-sm"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <fieldset>
        <legend className="font-medium">What would you have decided?</legend>
        <div className="mt-2 flex flex-wrap gap-4 text-sm">
          {DECISIONS.map((d) => (
            <label key={d} className="flex items-center gap-1">
              <input type="radio" name="decision" checked={decision === d} onChange={() => setDecision(d)} />
              {DECISION_LABELS[d]}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="text-sm font-medium">Reasons</legend>
        <div className="mt-1 flex flex-wrap gap-3 text-sm">
          {REASON_TAGS.map((tag) => (
            <label key={tag} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={tags.includes(tag)}
                onChange={(e) => setTags(e.target.checked ? [...tags, tag] : tags.filter((t) => t !== tag))}
              />
              {REASON_LABELS[tag]}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="block text-sm">
        Comment
        <textarea
          className="mt-1 block w-full rounded border border-slate-300 p-2"
          value={comment}
          maxLength={4000}
          onChange={(e) => setComment(e.target.value)}
        />
      </label>
      <Button type="submit" variant="primary" disabled={pending}>
        Save second review
      </Button>
      {message ? (
        <p
          role={message.ok ? "status" : "alert"}
          className={message.ok ? "text-sm text-emerald-800" : "text-sm text-red-800"}
        >
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
