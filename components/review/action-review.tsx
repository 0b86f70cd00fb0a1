"use client";

import { useId, useState, useTransition } from "react";
import { decideActionAction } from "@/app/(app)/tickets/[id]/review-actions";
import { Button } from "@/components/ui/button";
import type { Grounding } from "@/lib/agent/grounding";
import type { ClaimView } from "@/lib/review/claims";
import { REASON_TAGS } from "@/lib/review/schema";
import { ClaimBar } from "./claim-bar";
import { EditForm, type FieldErrors, RejectForm, type Rejection } from "./decision-forms";
import { EditEscalationForm, EscalateForm, type Escalation, type EscalationEdits } from "./escalation-forms";
import { type Feedback, FeedbackFields } from "./feedback-fields";
import { REASON_KEYS } from "./reason-keys";
import { TriageCorrection, type TriageCorrectionValue } from "./triage-correction";
import { useAfterDecision, useStayPreference } from "./use-after-decision";
import { useClaim } from "./use-claim";
import { useReviewKeys } from "./use-review-keys";

type Mode = "edit" | "escalate" | "reject" | null;
/** Approving an escalation with the reviewer's team, urgency and note. */
type Decision = "approve" | "approve-edited" | "edit" | "escalate" | "reject";

export interface ReviewableAction {
  id: string;
  ticketId: string;
  kind: "reply" | "escalation" | "refund";
  status: string;
  version: number;
  text: string;
  team?: string;
  urgency?: string;
  grounding?: Grounding;
}

export interface SentReplySummary {
  text: string;
  status: string;
  queuedAt: string;
}

/**
 * The decision controls for one action: approve, edit (with a live diff),
 * escalate or reject, each with feedback. The bar sticks to the bottom of the
 * screen while the action is in view. Keys: a, e, x, r, 1–5, tag letters.
 */
export function ActionReview({
  action,
  focused,
  alreadySent = [],
  skipOnNext = [],
  claim: initialClaim = null,
}: {
  action: ReviewableAction;
  focused: boolean;
  /** The live claim on this action when the page was read (viewing claims nothing). */
  claim?: ClaimView | null;
  /** Replies this customer was already sent: a new reply is a follow-up the reviewer must confirm. */
  alreadySent?: SentReplySummary[];
  skipOnNext?: string[];
}) {
  const uid = useId();
  const [mode, setMode] = useState<Mode>(null);
  const [edited, setEdited] = useState(action.text);
  const [feedback, setFeedback] = useState<Feedback>({ rating: null, tags: [], comment: "" });
  const [escalation, setEscalation] = useState<Escalation>({
    team: action.team ?? "support",
    reason: "",
    note: "",
  });
  const [escalationEdits, setEscalationEdits] = useState<EscalationEdits>({
    team: action.team ?? "support",
    urgency: action.urgency ?? "normal",
    note: "",
  });
  const [rejection, setRejection] = useState<Rejection>({ reason: "", sendBack: false, guidance: "" });
  const [followUp, setFollowUp] = useState(false);
  const [correction, setCorrection] = useState<TriageCorrectionValue>({ intent: "", category: "" });
  const [error, setError] = useState<{ text: string; fields: FieldErrors } | null>(null);
  const [stay, setStay] = useStayPreference();
  const [pending, startTransition] = useTransition();
  const afterDecision = useAfterDecision(action.ticketId, [action.id, ...skipOnNext]);
  const isFollowUp = action.kind === "reply" && alreadySent.length > 0;
  const approvable = action.status !== "blocked" && action.kind !== "refund";
  const editable = (action.kind === "reply" || action.kind === "escalation") && action.status !== "blocked";

  const claim = useClaim(action.id, initialClaim);

  const submit = (decision: Decision) =>
    startTransition(async () => {
      const base = {
        actionId: action.id,
        version: action.version,
        rating: feedback.rating ?? undefined,
        reasonTags: feedback.tags,
        comment: feedback.comment || undefined,
        correctedIntent: correction.intent || undefined,
        correctedCategory: correction.category || undefined,
      };
      const acknowledged = isFollowUp ? { followUpAcknowledged: followUp } : {};
      const input =
        decision === "edit"
          ? { ...base, ...acknowledged, decision, finalText: edited }
          : decision === "escalate"
            ? { ...base, decision, ...escalation, note: escalation.note || undefined }
            : decision === "reject"
              ? {
                  ...base,
                  decision,
                  reason: rejection.reason,
                  redraftGuidance: rejection.sendBack ? rejection.guidance || rejection.reason : undefined,
                }
              : decision === "approve-edited"
                ? {
                    ...base,
                    decision: "approve",
                    arguments: { ...escalationEdits, note: escalationEdits.note || undefined },
                  }
                : { ...base, ...acknowledged, decision };
      const r = await decideActionAction(input);
      if (!r.ok) {
        setError({ text: r.error, fields: r.fieldErrors ?? {} });
        return;
      }
      setError(null);
      setMode(null);
      await afterDecision({
        message: r.message ?? "Saved.",
        reviewId: r.data?.reviewId ?? "",
        actionId: action.id,
        stay,
      });
    });

  const approve = () => {
    if (!approvable) return;
    if (isFollowUp && !followUp) {
      setError({ text: 'Tick "Send as a follow-up" first: this customer already got a reply.', fields: {} });
      return;
    }
    submit("approve");
  };
  const tagKeys = Object.fromEntries(
    REASON_TAGS.map((tag) => [
      REASON_KEYS[tag],
      () =>
        setFeedback((f) => ({
          ...f,
          tags: f.tags.includes(tag) ? f.tags.filter((t) => t !== tag) : [...f.tags, tag],
        })),
    ]),
  );
  const ratingKeys = Object.fromEntries(
    [1, 2, 3, 4, 5].map((n) => [String(n), () => setFeedback((f) => ({ ...f, rating: n }))]),
  );
  useReviewKeys(
    {
      a: approve,
      e: () => editable && setMode("edit"),
      x: () => setMode("escalate"),
      r: () => setMode("reject"),
      ...ratingKeys,
      ...tagKeys,
    },
    focused && !pending,
  );

  const fields = error?.fields ?? {};
  return (
    <div className="mt-3 space-y-3">
      <ClaimBar {...claim} />
      {isFollowUp ? (
        <section
          aria-label="Already sent"
          className="rounded border border-amber-400 bg-amber-50 p-3 text-sm"
        >
          <h4 className="font-medium text-amber-950">
            This customer already got {alreadySent.length === 1 ? "a reply" : `${alreadySent.length} replies`}
            : this draft is a follow-up
          </h4>
          {alreadySent.map((sent) => (
            <div key={sent.queuedAt} className="mt-2">
              <p className="text-xs text-amber-950">
                {sent.status === "sent" ? "Sent" : "Queued"} {sent.queuedAt.slice(0, 16).replace("T", " ")}{" "}
                UTC
              </p>
              <div className="mt-1 rounded bg-white p-2 whitespace-pre-wrap break-words">{sent.text}</div>
            </div>
          ))}
          <label className="mt-2 flex items-center gap-2 font-medium">
            <input type="checkbox" checked={followUp} onChange={(e) => setFollowUp(e.target.checked)} />
            Send as a follow-up
          </label>
        </section>
      ) : null}
      <div
        role="toolbar"
        aria-label="Decide"
        className="sticky bottom-0 z-10 -mx-4 flex flex-wrap items-center gap-2 border-t border-slate-200 bg-white/95 px-4 py-2"
      >
        <Button variant="approve" disabled={!approvable || pending} onClick={approve}>
          Approve
        </Button>
        {editable ? (
          <Button aria-pressed={mode === "edit"} onClick={() => setMode("edit")}>
            Edit
          </Button>
        ) : null}
        <Button aria-pressed={mode === "escalate"} onClick={() => setMode("escalate")}>
          Escalate
        </Button>
        <Button aria-pressed={mode === "reject"} onClick={() => setMode("reject")}>
          Reject
        </Button>
        <label className="ml-auto flex items-center gap-1 text-sm">
          <input type="checkbox" checked={stay} onChange={(e) => setStay(e.target.checked)} />
          Stay on this ticket
        </label>
        {focused ? (
          <span className="w-full text-xs text-slate-700 sm:w-auto">
            <kbd className="font-mono">a e x r 1–5</kbd> act here
          </span>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
          {error.text}
        </p>
      ) : null}
      {mode === "edit" && action.kind === "escalation" ? (
        <EditEscalationForm
          uid={uid}
          value={escalationEdits}
          onChange={setEscalationEdits}
          errors={fields}
          pending={pending}
          onSubmit={() => submit("approve-edited")}
        />
      ) : null}
      {mode === "edit" && action.kind === "reply" ? (
        <EditForm
          uid={uid}
          original={action.text}
          grounding={action.grounding}
          value={edited}
          onChange={setEdited}
          errors={fields}
          pending={pending}
          blocked={isFollowUp && !followUp}
          onSubmit={() => submit("edit")}
        />
      ) : null}
      {mode === "escalate" ? (
        <EscalateForm
          uid={uid}
          value={escalation}
          onChange={setEscalation}
          errors={fields}
          pending={pending}
          onSubmit={() => submit("escalate")}
        />
      ) : null}
      {mode === "reject" ? (
        <RejectForm
          uid={uid}
          value={rejection}
          onChange={setRejection}
          errors={fields}
          pending={pending}
          onSubmit={() => submit("reject")}
        />
      ) : null}
      <FeedbackFields uid={uid} value={feedback} onChange={setFeedback} commentError={fields.comment?.[0]} />
      <TriageCorrection value={correction} onChange={setCorrection} />
    </div>
  );
}
