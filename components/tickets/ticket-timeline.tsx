import { Badge } from "@/components/ui/badge";
import { formatDateTime, humanize } from "@/lib/format";
import type { TimelineEvent } from "@/lib/review/timeline";

const KIND: Record<string, string> = { reply: "reply draft", escalation: "escalation", refund: "refund" };
const DECISION: Record<string, string> = {
  approve: "Approved",
  edit: "Edited and approved",
  escalate: "Escalated",
  reject: "Rejected",
};

function Clip({ text, label }: { text: string; label: string }) {
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-xs text-sky-800 underline">{label}</summary>
      <div className="mt-1 rounded bg-slate-50 p-2 text-sm whitespace-pre-wrap break-words">{text}</div>
    </details>
  );
}

function Event({ event }: { event: TimelineEvent }) {
  switch (event.type) {
    case "run":
      return (
        <>
          <strong>Agent run {event.runNumber}</strong> · {event.run.model} ·{" "}
          {event.run.status.replace("_", " ")} · policy v{event.run.policyVersion ?? "?"}
          {event.run.guidance ? <p className="text-slate-700">Guidance: “{event.run.guidance}”</p> : null}
        </>
      );
    case "proposal":
      return (
        <>
          Run {event.runNumber} proposed a {KIND[event.action.kind] ?? event.action.kind}{" "}
          <Badge>{event.action.status.replace("_", " ")}</Badge>
          {event.action.blockedBy ? (
            <span className="text-red-900"> · blocked by {event.action.blockedBy}</span>
          ) : null}
          <Clip text={event.action.text} label={`Show the ${KIND[event.action.kind] ?? "proposal"}`} />
        </>
      );
    case "decision": {
      const r = event.review;
      return (
        <>
          <strong>{DECISION[r.decision] ?? r.decision}</strong> {KIND[event.action?.kind ?? ""] ?? "action"}{" "}
          {r.source === "auto" ? (
            <Badge tone="ok">Approved by autopilot</Badge>
          ) : r.source === "system" ? (
            <Badge tone="warn">Escalated by the system past the SLA's hard limit</Badge>
          ) : (
            <>by {r.reviewer ?? "a former user"}</>
          )}
          {r.rating ? ` · rated ${r.rating}/5` : ""}
          {r.reason ? <p>Reason: {r.reason}</p> : null}
          {r.reasonTags.length ? <p>Tags: {r.reasonTags.map(humanize).join(", ")}</p> : null}
          {r.comment ? <p>Comment: {r.comment}</p> : null}
          {r.diff ? (
            <details className="mt-1">
              <summary className="cursor-pointer text-xs text-sky-800 underline">Show the edit</summary>
              <pre className="mt-1 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap break-words">
                {r.diff}
              </pre>
            </details>
          ) : null}
        </>
      );
    }
    case "delivery":
      return (
        <>
          {event.delivery.kind === "escalation" ? "Escalation notice" : "Reply to the customer"}{" "}
          <Badge tone={event.delivery.status === "sent" ? "ok" : "neutral"}>{event.delivery.status}</Badge>
          {event.delivery.sentAt ? ` · sent ${formatDateTime(event.delivery.sentAt)}` : null}
        </>
      );
    case "audit":
      return (
        <span className="text-slate-600">
          Audit: {event.entry.action} by {event.entry.actor ?? event.entry.actorType}
        </span>
      );
  }
}

/** The ticket's history, oldest first: runs, proposals, decisions, deliveries and audit entries. */
export function TicketTimeline({ events }: { events: TimelineEvent[] }) {
  if (events.length === 0) return null;
  return (
    <section aria-labelledby="timeline-heading" className="rounded bg-white p-4 shadow-sm">
      <h2 id="timeline-heading" className="text-lg font-semibold">
        History
      </h2>
      <ol aria-label="Ticket history" className="mt-2 space-y-2 border-l border-slate-200 pl-3 text-sm">
        {events.map((event) => (
          <li key={event.key}>
            <time dateTime={event.at.toISOString()} className="block text-xs text-slate-600">
              {formatDateTime(event.at)}
            </time>
            <div className="break-words">
              <Event event={event} />
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
