import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { z } from "zod";
import { DecisionChain } from "@/components/chain/decision-chain";
import { ProposedActions } from "@/components/chain/proposed-actions";
import { ReviewHotkeys } from "@/components/review/review-hotkeys";
import { Deliveries } from "@/components/tickets/deliveries";
import { DraftControls } from "@/components/tickets/draft-controls";
import { Badge, TicketStatusBadge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { getActionsForRuns, getReviewsForActions, getSteps, listRunsForTicket } from "@/db/queries/runs";
import { getTicketWithContext } from "@/db/queries/tickets";
import { requirePageScope } from "@/lib/auth/guards";
import { roleHasScope } from "@/lib/auth/scopes";
import { listDeliveriesForTicket } from "@/lib/delivery/outbox";
import { formatCents, formatDateTime, humanize } from "@/lib/format";

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
  const context = await getTicketWithContext(db, id.data);
  if (!context) notFound();
  const { ticket, customer, orders } = context;
  const runs = await listRunsForTicket(db, ticket.id);
  const latest = runs[0];
  const [steps, actions] = latest
    ? await Promise.all([getSteps(db, latest.id), getActionsForRuns(db, [latest.id])])
    : [[], []];
  const [decisions, deliveries] = await Promise.all([
    getReviewsForActions(
      db,
      actions.map((a) => a.id),
    ),
    listDeliveriesForTicket(db, ticket.id),
  ]);

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <article
        aria-labelledby="ticket-subject"
        className="rounded bg-white p-5 shadow-sm lg:col-span-2 lg:row-start-1"
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
          <span className="text-slate-500">
            {ticket.externalId} · received {formatDateTime(ticket.createdAt)}
          </span>
        </div>
        <h1 id="ticket-subject" className="mt-3 text-xl font-semibold">
          {ticket.subject}
        </h1>
        <p className="mt-1 text-sm text-slate-600">From {ticket.fromEmail}</p>
        {/* Ticket text is customer input: React escapes it; whitespace is kept for readability. */}
        <div className="mt-4 whitespace-pre-wrap break-words">{ticket.body}</div>
      </article>
      <div className="space-y-6 lg:col-span-2">
        {roleHasScope(user.role, "tickets:draft") ? (
          <DraftControls ticketId={ticket.id} hasRun={runs.length > 0} />
        ) : null}
        {roleHasScope(user.role, "actions:review") ? (
          <ReviewHotkeys currentActionIds={actions.map((a) => a.id)} />
        ) : null}
        <ProposedActions
          actions={actions}
          reviews={decisions}
          canReview={roleHasScope(user.role, "actions:review")}
          openedActionId={z.uuid().safeParse((await searchParams).action).data}
        />
        <Deliveries deliveries={deliveries} />
        {latest ? (
          <DecisionChain run={latest} steps={steps} />
        ) : (
          <p className="text-slate-600">The agent has not drafted this ticket yet.</p>
        )}
      </div>

      <aside
        aria-labelledby="customer-heading"
        className="rounded bg-white p-5 shadow-sm lg:col-start-3 lg:row-span-2 lg:row-start-1"
      >
        <h2 id="customer-heading" className="text-lg font-semibold">
          Customer
        </h2>
        {customer ? (
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-slate-500">Name</dt>
            <dd>{customer.name}</dd>
            <dt className="text-slate-500">E-mail</dt>
            <dd>{customer.email}</dd>
            <dt className="text-slate-500">Phone</dt>
            <dd>{customer.phone ?? "—"}</dd>
            <dt className="text-slate-500">Tier</dt>
            <dd>{customer.tier}</dd>
          </dl>
        ) : (
          <p className="mt-2 text-sm text-slate-600">No customer record matches {ticket.fromEmail}.</p>
        )}
        <h2 id="orders-heading" className="mt-6 text-lg font-semibold">
          Orders
        </h2>
        {orders.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">No orders.</p>
        ) : (
          <table aria-labelledby="orders-heading" className="mt-2 w-full text-sm">
            <thead className="text-left text-slate-500">
              <tr>
                <th className="py-1">Order</th>
                <th className="py-1">Status</th>
                <th className="py-1 text-right">Total</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={o.id} id={`order-${o.number}`} className="border-t border-slate-100">
                  <td className="py-1">
                    {o.number}
                    <div className="text-xs text-slate-500">{formatDateTime(o.placedAt)}</div>
                  </td>
                  <td className="py-1">{o.status}</td>
                  <td className="py-1 text-right">{formatCents(o.totalCents, o.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </aside>
    </div>
  );
}
