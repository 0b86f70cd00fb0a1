import Link from "next/link";
import { ActionReview, type SentReplySummary } from "@/components/review/action-review";
import { GroundedReply } from "@/components/review/grounded-reply";
import { Badge, type Tone } from "@/components/ui/badge";
import type { Action, ReviewRow } from "@/db/queries/runs";
import type { Citation, EscalationPayload, RefundPayload, ReplyPayload } from "@/lib/agent/types";
import { formatCents } from "@/lib/format";
import type { ClaimView } from "@/lib/review/claims";

const STATUS_TONE: Record<string, Tone> = {
  pending_review: "warn",
  blocked: "danger",
  approved: "ok",
  escalated: "info",
  rejected: "neutral",
  superseded: "neutral",
};

const TITLES: Record<string, string> = { reply: "Reply draft", escalation: "Escalation", refund: "Refund" };

function CitationLink({ citation }: { citation: Citation }) {
  return citation.type === "article" ? (
    <Link href={`/knowledge/${encodeURIComponent(citation.slug)}`} className="text-sky-800 underline">
      article: {citation.slug}
    </Link>
  ) : (
    <a href={`#order-${encodeURIComponent(citation.number)}`} className="text-sky-800 underline">
      order {citation.number}
    </a>
  );
}

function Payload({ action }: { action: Action }) {
  if (action.kind === "reply") {
    const p = action.payload as ReplyPayload;
    return (
      <>
        {p.model === "offline" ? <p className="text-xs text-sky-800">Offline-model draft</p> : null}
        <GroundedReply text={p.text} grounding={p.grounding} />
        {p.citations.length > 0 ? (
          <p className="mt-2 flex flex-wrap gap-3 text-sm">
            Cites:{" "}
            {p.citations.map((c) => (
              <CitationLink key={c.type === "article" ? c.slug : c.number} citation={c} />
            ))}
          </p>
        ) : null}
      </>
    );
  }
  if (action.kind === "escalation") {
    const p = action.payload as EscalationPayload;
    return (
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 text-sm">
        <dt className="text-slate-500">Team</dt>
        <dd>{p.team}</dd>
        <dt className="text-slate-500">Urgency</dt>
        <dd>{p.urgency}</dd>
        <dt className="text-slate-500">Reason</dt>
        <dd>{p.reason}</dd>
        {p.ruleIds?.length ? (
          <>
            <dt className="text-slate-500">Rules</dt>
            <dd>{p.ruleIds.join(", ")}</dd>
          </>
        ) : null}
      </dl>
    );
  }
  const p = action.payload as RefundPayload;
  return (
    <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 text-sm">
      <dt className="text-slate-500">Order</dt>
      <dd>
        <a href={`#order-${encodeURIComponent(p.orderNumber)}`} className="text-sky-800 underline">
          {p.orderNumber}
        </a>
      </dd>
      <dt className="text-slate-500">Amount</dt>
      <dd>{formatCents(p.amountCents)}</dd>
      <dt className="text-slate-500">Reason</dt>
      <dd>{p.reason}</dd>
    </dl>
  );
}

function actionText(action: Action): string {
  if (action.kind === "reply") return (action.payload as ReplyPayload).text;
  if (action.kind === "escalation") return (action.payload as EscalationPayload).reason;
  const r = action.payload as RefundPayload;
  return `Refund ${formatCents(r.amountCents)} on ${r.orderNumber}: ${r.reason}`;
}

const DECISION_LABEL: Record<string, string> = {
  approve: "Approved",
  edit: "Edited and approved",
  escalate: "Escalated",
  reject: "Rejected",
};

function Decided({ review }: { review: ReviewRow }) {
  return (
    <div className="mt-3 border-t border-slate-200 pt-3 text-sm">
      <p>
        <strong>{DECISION_LABEL[review.decision] ?? review.decision}</strong> by{" "}
        {review.source === "auto"
          ? "the autopilot"
          : review.source === "system"
            ? "the system (past the SLA's hard limit)"
            : (review.reviewer ?? "a former user")}{" "}
        on {review.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
        {review.rating ? ` · rated ${review.rating}/5` : ""}
        {review.editDistance != null && review.decision === "edit"
          ? ` · edit distance ${review.editDistance.toFixed(2)}`
          : ""}
      </p>
      {review.reason ? <p>Reason: {review.reason}</p> : null}
      {review.escalation ? (
        <p>
          Escalated to {review.escalation.team}
          {review.escalation.note ? `: ${review.escalation.note}` : ""}
        </p>
      ) : null}
      {review.finalArguments ? (
        <p>
          Sent to {review.finalArguments.team}, urgency {review.finalArguments.urgency}
          {review.finalArguments.note ? `: ${review.finalArguments.note}` : ""}
        </p>
      ) : null}
      {review.reasonTags.length ? <p>Tags: {review.reasonTags.join(", ").replaceAll("_", " ")}</p> : null}
      {review.comment ? <p>Comment: {review.comment}</p> : null}
      {review.decision === "edit" && review.finalText ? (
        <>
          <h4 className="mt-2 font-medium">Approved text</h4>
          <div className="mt-1 rounded bg-emerald-50 p-3 whitespace-pre-wrap break-words">
            {review.finalText}
          </div>
          {review.diff ? (
            <details className="mt-1">
              <summary className="cursor-pointer text-xs text-slate-600">Stored diff</summary>
              <pre className="mt-1 overflow-auto rounded bg-slate-50 p-2 text-xs">{review.diff}</pre>
            </details>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

/** What the agent proposed, each waiting for a person; blocked ones show the rule and what was tried. */
export function ProposedActions({
  actions,
  reviews = [],
  canReview = false,
  openedActionId,
  alreadySent = [],
  claims = {},
}: {
  actions: Action[];
  /** Live claims on these actions, by action id (read, not taken: viewing claims nothing). */
  claims?: Record<string, ClaimView>;
  reviews?: ReviewRow[];
  canReview?: boolean;
  /** Replies the customer was already sent: a reply draft now is a follow-up. */
  alreadySent?: SentReplySummary[];
  /** The action the reviewer came to decide (the queue's and Next's `?action=`), if still undecided. */
  openedActionId?: string;
}) {
  if (actions.length === 0) return null;
  const undecided = actions.filter((a) => a.status === "pending_review" || a.status === "blocked");
  // The decision keys act on one action: the one opened, else the first still waiting.
  const focusedId = undecided.find((a) => a.id === openedActionId)?.id ?? undecided[0]?.id;
  return (
    <section aria-label="Proposed actions" className="space-y-3">
      <h2 className="text-lg font-semibold">Proposed actions</h2>
      {actions.map((action) => (
        <article
          key={action.id}
          id={`action-${action.id}`}
          aria-label={`${TITLES[action.kind]} (${action.status.replace("_", " ")})`}
          className={`rounded border p-4 ${action.status === "blocked" ? "border-red-300 bg-red-50" : "border-slate-200 bg-white"} ${action.id === focusedId && canReview ? "ring-2 ring-sky-700" : ""}`}
        >
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="font-medium">
              {action.kind === "escalation"
                ? `Escalation to ${(action.payload as EscalationPayload).team}`
                : TITLES[action.kind]}
            </h3>
            <Badge tone={STATUS_TONE[action.status] ?? "neutral"}>{action.status.replace("_", " ")}</Badge>
            {action.id === focusedId && canReview ? <Badge tone="info">keys act on this action</Badge> : null}
          </div>
          {action.status === "blocked" ? (
            <p className="mt-1 text-sm text-red-900">
              Blocked by rule <strong>{action.blockedBy}</strong>: {action.blockedReason}. What the agent
              tried:
            </p>
          ) : null}
          <Payload action={action} />

          {(() => {
            const review = reviews.find((r) => r.actionId === action.id);
            if (review) return <Decided review={review} />;
            if (canReview && undecided.some((u) => u.id === action.id)) {
              return (
                <ActionReview
                  action={{
                    id: action.id,
                    ticketId: action.ticketId,
                    kind: action.kind,
                    status: action.status,
                    version: action.version,
                    text: actionText(action),
                    grounding:
                      action.kind === "reply" ? (action.payload as ReplyPayload).grounding : undefined,
                    team:
                      action.kind === "escalation" ? (action.payload as EscalationPayload).team : undefined,
                    urgency:
                      action.kind === "escalation"
                        ? (action.payload as EscalationPayload).urgency
                        : undefined,
                  }}
                  focused={action.id === focusedId}
                  alreadySent={action.kind === "reply" ? alreadySent : []}
                  skipOnNext={undecided.map((u) => u.id)}
                  claim={claims[action.id] ?? null}
                />
              );
            }
            return null;
          })()}
        </article>
      ))}
    </section>
  );
}
