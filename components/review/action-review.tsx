"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useState, useTransition } from "react";
import { useHotkeys } from "react-hotkeys-hook";
import { claimActionAction, decideActionAction } from "@/app/(app)/tickets/[id]/review-actions";
import { TEAMS } from "@/lib/guardrails/rules";
import { REASON_LABELS, REASON_TAGS, type ReasonTag } from "@/lib/review/schema";
import { EditDiff } from "./edit-diff";
import { modalOpen } from "./hotkey-guards";
import { TriageCorrection, type TriageCorrectionValue } from "./triage-correction";

type Mode = "edit" | "escalate" | "reject" | null;

export interface ReviewableAction {
  id: string;
  kind: "reply" | "escalation" | "refund";
  status: string;
  version: number;
  text: string;
  team?: string;
}

/**
 * The decision controls for one action: approve, edit (with a live diff),
 * escalate or reject, each with feedback. Keyboard: a, e, x, r, n, ?.
 */
export function ActionReview({ action, focused }: { action: ReviewableAction; focused: boolean }) {
  const router = useRouter();
  const uid = useId();
  const [mode, setMode] = useState<Mode>(null);
  const [edited, setEdited] = useState(action.text);
  const [rating, setRating] = useState<number | null>(null);
  const [tags, setTags] = useState<ReasonTag[]>([]);
  const [comment, setComment] = useState("");
  const [correction, setCorrection] = useState<TriageCorrectionValue>({ intent: "", category: "" });
  const [team, setTeam] = useState(action.team ?? "support");
  const [reason, setReason] = useState("");
  const [note, setNote] = useState("");
  const [sendBack, setSendBack] = useState(false);
  const [guidance, setGuidance] = useState("");
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [claim, setClaim] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const approvable = action.status !== "blocked" && action.kind !== "refund";

  useEffect(() => {
    claimActionAction(action.id).then((r) => {
      if (r.ok && r.data && !r.data.claimed && r.data.holder) {
        const until = r.data.expiresAt ? new Date(r.data.expiresAt).toISOString().slice(11, 16) : "";
        setClaim(
          `Being reviewed by ${r.data.holder}${until ? ` until ${until} UTC` : ""}. Deciding now may conflict with them.`,
        );
      }
    });
  }, [action.id]);

  const submit = (decision: "approve" | "edit" | "escalate" | "reject") =>
    startTransition(async () => {
      const feedback = {
        actionId: action.id,
        version: action.version,
        rating: rating ?? undefined,
        reasonTags: tags,
        comment: comment || undefined,
        correctedIntent: correction.intent || undefined,
        correctedCategory: correction.category || undefined,
      };
      const input =
        decision === "edit"
          ? { ...feedback, decision, finalText: edited }
          : decision === "escalate"
            ? { ...feedback, decision, team, reason, note: note || undefined }
            : decision === "reject"
              ? { ...feedback, decision, reason, redraftGuidance: sendBack ? guidance || reason : undefined }
              : { ...feedback, decision };
      const r = await decideActionAction(input);
      setResult(r.ok ? { ok: true, text: r.message ?? "Saved." } : { ok: false, text: r.error });
      if (r.ok) {
        setMode(null);
        router.refresh();
      }
    });

  const enabled = focused && !pending;
  const keys = { enabled, preventDefault: true, ignoreEventWhen: modalOpen };
  useHotkeys("a", () => approvable && submit("approve"), keys, [enabled, approvable, rating, tags, comment]);
  useHotkeys("e", () => action.kind === "reply" && action.status !== "blocked" && setMode("edit"), keys);
  useHotkeys("x", () => setMode("escalate"), keys);
  useHotkeys("r", () => setMode("reject"), keys);

  const toggleTag = (tag: ReasonTag) =>
    setTags((t) => (t.includes(tag) ? t.filter((x) => x !== tag) : [...t, tag]));

  return (
    <div className="mt-3 space-y-3 border-t border-slate-200 pt-3">
      {claim ? (
        <p role="status" className="rounded bg-amber-50 px-2 py-1 text-sm text-amber-900">
          {claim}
        </p>
      ) : null}
      <div role="toolbar" aria-label="Decide" className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={!approvable || pending}
          onClick={() => submit("approve")}
          className="rounded bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-40"
        >
          Approve
        </button>
        {action.kind === "reply" && action.status !== "blocked" ? (
          <button
            type="button"
            aria-pressed={mode === "edit"}
            onClick={() => setMode("edit")}
            className="rounded border border-slate-300 px-3 py-1.5 text-sm"
          >
            Edit
          </button>
        ) : null}
        <button
          type="button"
          aria-pressed={mode === "escalate"}
          onClick={() => setMode("escalate")}
          className="rounded border border-slate-300 px-3 py-1.5 text-sm"
        >
          Escalate
        </button>
        <button
          type="button"
          aria-pressed={mode === "reject"}
          onClick={() => setMode("reject")}
          className="rounded border border-slate-300 px-3 py-1.5 text-sm"
        >
          Reject
        </button>
      </div>

      {mode === "edit" ? (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            submit("edit");
          }}
        >
          <label htmlFor={`${uid}-edit`} className="block text-sm font-medium">
            Edited reply
          </label>
          <textarea
            id={`${uid}-edit`}
            value={edited}
            onChange={(e) => setEdited(e.target.value)}
            rows={10}
            // biome-ignore lint/a11y/noAutofocus: pressing "e" means "start editing here"
            autoFocus
            className="w-full rounded border border-slate-300 p-2 text-sm"
          />
          <EditDiff original={action.text} edited={edited} />
          <button
            type="submit"
            disabled={pending}
            className="rounded bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white"
          >
            Approve edited reply
          </button>
        </form>
      ) : null}

      {mode === "escalate" ? (
        <form
          className="grid gap-2 sm:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault();
            submit("escalate");
          }}
        >
          <div>
            <label htmlFor={`${uid}-team`} className="block text-sm font-medium">
              Team
            </label>
            <select
              id={`${uid}-team`}
              value={team}
              onChange={(e) => setTeam(e.target.value)}
              className="mt-1 block w-full rounded border border-slate-300 p-1"
            >
              {TEAMS.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${uid}-reason`} className="block text-sm font-medium">
              Reason for escalating
            </label>
            <input
              id={`${uid}-reason`}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              // biome-ignore lint/a11y/noAutofocus: pressing "x" means "start the escalation here"
              autoFocus
              className="mt-1 block w-full rounded border border-slate-300 p-1"
            />
          </div>
          <div className="sm:col-span-2">
            <label htmlFor={`${uid}-note`} className="block text-sm font-medium">
              Note for the team
            </label>
            <textarea
              id={`${uid}-note`}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              rows={2}
              className="mt-1 block w-full rounded border border-slate-300 p-1"
            />
          </div>
          <button
            type="submit"
            disabled={pending}
            className="w-fit rounded bg-sky-800 px-3 py-1.5 text-sm font-medium text-white"
          >
            Confirm escalation
          </button>
        </form>
      ) : null}

      {mode === "reject" ? (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            submit("reject");
          }}
        >
          <label className="block text-sm font-medium">
            Reason for rejecting
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              // biome-ignore lint/a11y/noAutofocus: pressing "r" means "start the rejection here"
              autoFocus
              className="mt-1 block w-full rounded border border-slate-300 p-1"
            />
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={sendBack} onChange={(e) => setSendBack(e.target.checked)} />
            Send back to the agent with guidance
          </label>
          {sendBack ? (
            <label className="block text-sm font-medium">
              Guidance for the agent
              <textarea
                value={guidance}
                onChange={(e) => setGuidance(e.target.value)}
                rows={2}
                className="mt-1 block w-full rounded border border-slate-300 p-1"
              />
            </label>
          ) : null}
          <button
            type="submit"
            disabled={pending}
            className="rounded bg-red-800 px-3 py-1.5 text-sm font-medium text-white"
          >
            Confirm rejection
          </button>
        </form>
      ) : null}

      <fieldset className="space-y-2 rounded border border-slate-200 p-3 text-sm">
        <legend className="px-1 font-medium">Feedback</legend>
        <div role="radiogroup" aria-label="Rating" className="flex items-center gap-2">
          <span>Rating</span>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className="flex items-center gap-1">
              <input
                type="radio"
                name={`${uid}-rating`}
                checked={rating === n}
                onChange={() => setRating(n)}
              />
              {n}
            </label>
          ))}
        </div>
        <div className="flex flex-wrap gap-3">
          {REASON_TAGS.map((tag) => (
            <label key={tag} className="flex items-center gap-1">
              <input type="checkbox" checked={tags.includes(tag)} onChange={() => toggleTag(tag)} />
              {REASON_LABELS[tag]}
            </label>
          ))}
        </div>
        <TriageCorrection value={correction} onChange={setCorrection} />
        <label className="block">
          Comment
          <textarea
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            rows={2}
            className="mt-1 block w-full rounded border border-slate-300 p-1"
          />
        </label>
      </fieldset>

      {result ? (
        <p
          role={result.ok ? "status" : "alert"}
          className={`rounded px-2 py-1 text-sm ${result.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-800"}`}
        >
          {result.text}
        </p>
      ) : null}
    </div>
  );
}
