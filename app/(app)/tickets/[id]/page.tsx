import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { connection } from "next/server";
import { z } from "zod";
import { DecisionChain } from "@/components/chain/decision-chain";
import { ProposedActions } from "@/components/chain/proposed-actions";
import { ReviewHotkeys } from "@/components/review/review-hotkeys";
import { CustomerPanel } from "@/components/tickets/customer-panel";
import { Deliveries } from "@/components/tickets/deliveries";
import { DraftControls } from "@/components/tickets/draft-controls";
import { TicketTimeline } from "@/components/tickets/ticket-timeline";
import { Badge, TicketStatusBadge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { listAuditForTicket } from "@/db/queries/audit";
import { getActionsForRuns, getReviewsForActions, getSteps, listRunsForTicket } from "@/db/queries/runs";
import { getTicketWithContext } from "@/db/queries/tickets";
import { requirePageScope } from "@/lib/auth/guards";
import { roleHasScope } from "@/lib/auth/scopes";
import { listDeliveriesForTicket } from "@/lib/delivery/outbox";
import { formatDateTime, humanize } from "@/lib/format";
import { liveClaims } from "@/lib/review/claims";
import { actionText } from "@/lib/review/decide";
import { repliesAlreadySent } from "@/lib/review/follow-up";
import { pendingSecondReviewOf } from "@/lib/review/second-review";
import { buildTimeline } from "@/lib/review/timeline";

export const metadata: Metadata = { title: "Ticket" };

export default async function TicketPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ action?: string | string[] }>;
}) {
  await connection();
  const user = await requirePageScope("tickets:read");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const db = await getDb();
  // A blind second review this viewer may still give: the page would show the first decision.
  const blind = await pendingSecondReviewOf(db, id.data, user);
  if (blind) redirect(`/second-reviews/${blind}`);
  const context = await getTicketWithContext(db, id.data);
  if (!context) notFound();
  const { ticket, customer, orders } = context;
  const runs = await listRunsForTicket(db, ticket.id);
  const latest = runs[0];
  const [steps, allActions, deliveries, sent] = await Promise.all([
    latest ? getSteps(db, latest.id) : [],
    getActionsForRuns(
      db,
      runs.map((r) => r.id),
    ),
    listDeliveriesForTicket(db, ticket.id),
    repliesAlreadySent(db, ticket.id),
  ]);
  const actions = allActions.filter((a) => a.runId === latest?.id);
  const actionIds = allActions.map((a) => a.id);
  const [decisions, audit, claims] = await Promise.all([
    getReviewsForActions(db, actionIds),
    listAuditForTicket(db, ticket.id, actionIds),
    liveClaims(
      db,
      actions.map((a) => a.id),
      user.id,
    ),
  ]);
  const timeline = buildTimeline({
    runs,
    actions: allActions.map((a) => ({ ...a, text: actionText(a) })),
    reviews: decisions,
    deliveries,
    audit,
  });
  const canReview = roleHasScope(user.role, "actions:review");

  return (
    <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,7fr)_minmax(0,5fr)] lg:grid-rows-[auto_auto_1fr]">
      <article
        aria-labelledby="ticket-subject"
        className="min-w-0 rounded bg-white p-4 shadow-sm lg:col-start-2 lg:row-start-1"
      >
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <TicketStatusBadge status={ticket.status} />
          {ticket.intent ? <Badge>intent: {humanize(ticket.intent)}</Badge> : null}
          {ticket.triageIntent && ticket.triageCategory ? (
            <Badge tone={ticket.triageCategory === "none" ? "neutral" : "warn"}>
              triage: {humanize(ticket.triageCategory)} · {humanize(ticket.triageIntent)} (
              {Math.round((ticket.triageConfidence ?? 0) * 100)} %)
            </Badge>
          ) : null}
          <Badge>{ticket.channel}</Badge>
          <span className="break-all text-slate-600">
            {ticket.externalId} · received {formatDateTime(ticket.createdAt)}
          </span>
        </div>
        <h1 id="ticket-subject" className="mt-2 text-xl font-semibold break-words">
          {ticket.subject}
        </h1>
        <p className="mt-1 text-sm break-all text-slate-600">From {ticket.fromEmail}</p>
        {/* Ticket text is customer input: React escapes it; whitespace is kept for readability. */}
        <div className="mt-3 max-h-80 overflow-y-auto whitespace-pre-wrap break-words">{ticket.body}</div>
      </article>

      <div className="min-w-0 space-y-4 lg:col-start-1 lg:row-span-3 lg:row-start-1">
        {canReview ? <ReviewHotkeys currentActionIds={actions.map((a) => a.id)} /> : null}
        <ProposedActions
          actions={actions}
          reviews={decisions}
          claims={claims}
          canReview={canReview}
          openedActionId={z.uuid().safeParse((await searchParams).action).data}
          alreadySent={sent.map((s) => ({
            text: s.text,
            status: s.status,
            queuedAt: s.queuedAt.toISOString(),
          }))}
        />
        {latest ? null : <p className="text-slate-600">The agent has not drafted this ticket yet.</p>}
        {roleHasScope(user.role, "tickets:draft") ? (
          <DraftControls ticketId={ticket.id} hasRun={runs.length > 0} />
        ) : null}
        <Deliveries deliveries={deliveries} />
        <TicketTimeline events={timeline} />
      </div>

      <div className="min-w-0 space-y-4 lg:col-start-2 lg:row-start-2">
        <CustomerPanel customer={customer} orders={orders} fromEmail={ticket.fromEmail} />
        {latest ? <DecisionChain run={latest} steps={steps} /> : null}
      </div>
    </div>
  );
}
