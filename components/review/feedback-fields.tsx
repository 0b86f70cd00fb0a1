"use client";

import { FieldNote } from "@/components/ui/field-note";
import { LIMITS, REASON_LABELS, REASON_TAGS, type ReasonTag } from "@/lib/review/schema";
import { REASON_KEYS } from "./reason-keys";

export interface Feedback {
  rating: number | null;
  tags: ReasonTag[];
  comment: string;
}

/** Rating (keys 1–5), reason tags (each with its letter key) and a comment. */
export function FeedbackFields({
  uid,
  value,
  onChange,
  commentError,
}: {
  uid: string;
  value: Feedback;
  onChange: (next: Feedback) => void;
  commentError?: string;
}) {
  const toggle = (tag: ReasonTag) =>
    onChange({
      ...value,
      tags: value.tags.includes(tag) ? value.tags.filter((t) => t !== tag) : [...value.tags, tag],
    });
  return (
    <fieldset className="space-y-2 rounded border border-slate-200 p-3 text-sm">
      <legend className="px-1 font-medium">Feedback</legend>
      <div role="radiogroup" aria-label="Rating" className="flex flex-wrap items-center gap-2">
        <span>Rating</span>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className="flex items-center gap-1">
            <input
              type="radio"
              name={`${uid}-rating`}
              checked={value.rating === n}
              onChange={() => onChange({ ...value, rating: n })}
            />
            {n}
          </label>
        ))}
      </div>
      <div className="flex flex-wrap gap-x-3 gap-y-1">
        {REASON_TAGS.map((tag) => (
          <label key={tag} className="flex items-center gap-1">
            <input type="checkbox" checked={value.tags.includes(tag)} onChange={() => toggle(tag)} />
            {REASON_LABELS[tag]}
            <span
              aria-hidden="true"
              className="rounded border border-slate-300 px-1 font-mono text-xs text-slate-600"
            >
              {REASON_KEYS[tag]}
            </span>
          </label>
        ))}
      </div>
      <label htmlFor={`${uid}-comment`} className="block">
        Comment
      </label>
      <textarea
        id={`${uid}-comment`}
        value={value.comment}
        onChange={(e) => onChange({ ...value, comment: e.target.value })}
        rows={2}
        aria-invalid={commentError || value.comment.length > LIMITS.comment ? true : undefined}
        aria-describedby={`${uid}-comment-note`}
        className="block w-full rounded border border-slate-300 p-1"
      />
      <FieldNote
        id={`${uid}-comment-note`}
        field="comment"
        length={value.comment.length}
        max={LIMITS.comment}
        error={commentError}
      />
    </fieldset>
  );
}
