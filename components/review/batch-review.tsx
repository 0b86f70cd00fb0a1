"use client";

import { useEffect, useId, useRef, useState, useTransition } from "react";
import { decideBatchAction } from "@/app/(app)/queue/batches/actions";
import { decideActionAction } from "@/app/(app)/tickets/[id]/review-actions";
import { Button } from "@/components/ui/button";
import type { Batch } from "@/lib/review/batches";
import { LIMITS } from "@/lib/review/schema";
import { BatchDraftDetail } from "./batch-draft";
import { EditForm, type FieldErrors, Form, TextField } from "./decision-forms";
import { type Shortcut, ShortcutsHelp } from "./shortcuts-help";
import { useReviewKeys } from "./use-review-keys";

const BATCH_SHORTCUTS: Shortcut[] = [
  ["j / k, ↓ / ↑", "move to the next / previous draft"],
  ["x or Space", "select or unselect the current draft"],
  ["a", "approve the selected drafts"],
  ["r", "reject the selected drafts, with a reason"],
  ["e", "edit the current draft, then approve it"],
  ["?", "show or hide these shortcuts"],
];

/** `event.key` of the named keys the batch uses beside letters. */
const KEY = { down: "ArrowDown", up: "ArrowUp", escape: "Escape" } as const;

type Mode = "browse" | "reject" | "edit";
type Notice = { tone: "status" | "alert"; text: string; details?: string[] };

/**
 * Steps through a batch of similar drafts: each is diffed against the batch's most common draft;
 * the selection is approved or rejected in one go, one decision per draft on the server.
 */
export function BatchReview({ batch }: { batch: Batch }) {
  const uid = useId();
  const [done, setDone] = useState<Set<string>>(new Set());
  const drafts = batch.drafts.filter((d) => !done.has(d.actionId));
  const [current, setCurrent] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [mode, setMode] = useState<Mode>("browse");
  const [reason, setReason] = useState("");
  const [edited, setEdited] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice | null>(null);
  const [help, setHelp] = useState(false);
  const [pending, startTransition] = useTransition();
  const boxes = useRef<(HTMLInputElement | null)[]>([]);
  const at = Math.min(current, Math.max(drafts.length - 1, 0));
  const draft = drafts[at];
  const chosen = drafts.filter((d) => selected.has(d.actionId));

  const moved = useRef(false);
  const move = (by: number) => {
    moved.current = true;
    setMode("browse");
    const last = Math.max(drafts.length - 1, 0);
    setCurrent((c) => Math.min(Math.max(Math.min(c, last) + by, 0), last));
  };
  useEffect(() => {
    if (moved.current) boxes.current[at]?.scrollIntoView({ block: "nearest" });
    moved.current = false;
  }, [at]);
  const toggle = (id: string | undefined) => {
    if (!id) return;
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const selectAll = () => setSelected(new Set(drafts.map((d) => d.actionId)));
  const needSelection = () =>
    setNotice({
      tone: "alert",
      text: "Select drafts first: x or Space toggles the current one, or use Select all.",
    });

  const settle = (decided: string[]) => {
    setDone((d) => new Set([...d, ...decided]));
    setSelected((s) => new Set([...s].filter((id) => !decided.includes(id))));
  };

  const decide = (decision: "approve" | "reject") => {
    if (chosen.length === 0) return needSelection();
    const items = chosen.map((d) => ({ actionId: d.actionId, version: d.version }));
    startTransition(async () => {
      const result = await decideBatchAction(
        decision === "reject" ? { decision, items, reason } : { decision, items },
      );
      if (!result.ok) {
        setErrors(decision === "reject" ? { reason: [result.error] } : {});
        setNotice({ tone: "alert", text: result.error });
        return;
      }
      settle(result.data?.decided ?? []);
      setMode("browse");
      setReason("");
      setErrors({});
      setNotice({
        tone: "status",
        text: result.message ?? "Done.",
        details: result.data?.notDecided.map(
          (n) =>
            `${batch.drafts.find((d) => d.actionId === n.actionId)?.subject ?? n.actionId}: ${n.message}`,
        ),
      });
    });
  };

  const approveEdited = () => {
    if (!draft) return;
    const input = { decision: "edit", actionId: draft.actionId, version: draft.version, finalText: edited };
    startTransition(async () => {
      const result = await decideActionAction(input);
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        setNotice({ tone: "alert", text: result.error });
        return;
      }
      settle([draft.actionId]);
      setMode("browse");
      setErrors({});
      setNotice({ tone: "status", text: result.message ?? "Approved." });
    });
  };

  useReviewKeys({
    j: () => move(1),
    k: () => move(-1),
    [KEY.down]: () => move(1),
    [KEY.up]: () => move(-1),
    x: () => toggle(draft?.actionId),
    " ": () => toggle(draft?.actionId),
    a: () => !pending && decide("approve"),
    r: () => (chosen.length ? setMode("reject") : needSelection()),
    e: () => {
      if (!draft) return;
      setEdited(draft.text);
      setMode("edit");
    },
    [KEY.escape]: () => setMode("browse"),
    "?": () => setHelp((h) => !h),
  });

  return (
    <section aria-labelledby="batch-heading" className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 id="batch-heading" className="text-xl font-semibold">
          Batch: {batch.intent.replaceAll("_", " ")}
        </h1>
        <span className="text-sm text-slate-600">
          {drafts.length} drafts waiting · {chosen.length} selected
        </span>
        <Button onClick={selectAll} disabled={drafts.length === 0}>
          Select all
        </Button>
        <Button variant="approve" onClick={() => decide("approve")} disabled={pending}>
          Approve selected ({chosen.length})
        </Button>
        <Button variant="danger" onClick={() => (chosen.length ? setMode("reject") : needSelection())}>
          Reject selected…
        </Button>
        <Button variant="link" onClick={() => setHelp(true)}>
          Keyboard shortcuts (?)
        </Button>
      </div>
      {notice ? (
        <div
          role={notice.tone}
          className={`rounded px-3 py-2 text-sm ${notice.tone === "alert" ? "bg-amber-50 text-amber-900" : "bg-emerald-50 text-emerald-900"}`}
        >
          <p>{notice.text}</p>
          {notice.details?.length ? (
            <ul className="mt-1 list-disc pl-5">
              {notice.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {mode === "reject" ? (
        <Form
          onSubmit={() => decide("reject")}
          className="space-y-2 rounded border border-red-200 bg-white p-3"
        >
          <TextField
            id={`${uid}-reason`}
            label={`Reason for rejecting the ${chosen.length} selected drafts`}
            field="reason for rejecting"
            name="reason"
            value={reason}
            onChange={setReason}
            max={LIMITS.reason}
            errors={errors}
            autoFocus
          />
          <Button type="submit" variant="danger" disabled={pending}>
            Confirm rejection
          </Button>
        </Form>
      ) : null}
      <section
        aria-labelledby={`${uid}-common`}
        className="rounded border border-slate-200 bg-slate-50 p-3 text-sm"
      >
        <h2 id={`${uid}-common`} className="text-xs font-medium text-slate-500">
          Most common draft
        </h2>
        <p className="mt-1 whitespace-pre-wrap break-words">{batch.commonDraft}</p>
      </section>
      {drafts.length === 0 ? (
        <p className="text-slate-600">
          Every draft of this batch is decided. Back to the batches for the next one.
        </p>
      ) : (
        <div className="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
          <ol aria-label="Drafts in this batch" className="space-y-1 text-sm">
            {drafts.map((d, i) => (
              <li
                key={d.actionId}
                aria-current={i === at ? "true" : undefined}
                className={`flex items-start gap-2 rounded px-2 py-1 ${i === at ? "bg-sky-50 outline-2 outline-sky-400" : ""}`}
              >
                <input
                  ref={(el) => {
                    boxes.current[i] = el;
                  }}
                  id={`${uid}-pick-${i}`}
                  type="checkbox"
                  checked={selected.has(d.actionId)}
                  onChange={() => toggle(d.actionId)}
                  onFocus={() => setCurrent(i)}
                  className="mt-1"
                />
                <label htmlFor={`${uid}-pick-${i}`} className="break-words">
                  Select draft {i + 1}: {d.subject} ({d.externalId})
                </label>
              </li>
            ))}
          </ol>
          <div className="space-y-3">
            {draft ? <BatchDraftDetail draft={draft} commonDraft={batch.commonDraft} /> : null}
            {mode === "edit" && draft ? (
              <EditForm
                uid={uid}
                original={draft.text}
                value={edited}
                onChange={setEdited}
                errors={errors}
                pending={pending}
                blocked={false}
                onSubmit={approveEdited}
              />
            ) : null}
          </div>
        </div>
      )}
      <ShortcutsHelp open={help} onClose={() => setHelp(false)} shortcuts={BATCH_SHORTCUTS} />
    </section>
  );
}
