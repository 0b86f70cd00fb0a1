import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { z } from "zod";
import { SecondReviewForm } from "@/components/review/second-review-form";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { requirePageScope } from "@/lib/auth/guards";
import { AppError } from "@/lib/errors";
import { humanize } from "@/lib/format";
import { type BlindReview, loadSecondReview } from "@/lib/review/second-review";

export const metadata: Metadata = { title: "Second review" };

export default async function SecondReviewPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const user = await requirePageScope("actions:review");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  let review: BlindReview;
  try {
    review = await loadSecondReview(await getDb(), id.data, user);
  } catch (error) {
    if (error instanceof AppError && error.type === "not_found") notFound();
    if (error instanceof AppError) {
      return (
        <p role="alert" className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {error.message}
        </p>
      );
    }
    throw error;
  }
  const { ticket, proposal } = review;
  return (
    <section aria-labelledby="second-review-heading" className="space-y-4">
      <h1 id="second-review-heading" className="text-xl font-semibold">
        Second review: {ticket.subject}
      </h1>
      <p className="text-sm text-slate-600">
        Decide as if you were the first to see this proposal. Another reviewer decided it already; you do not
        see how, so the two judgements can be compared. Your decision is stored for reviewer agreement only:
        nothing is sent to the customer.
      </p>
      <div className="grid gap-4 md:grid-cols-2">
        <article aria-labelledby="ticket-heading" className="rounded bg-white p-4 shadow-sm">
          <h2 id="ticket-heading" className="font-medium">
            Ticket {ticket.externalId}
          </h2>
          <p className="text-sm text-slate-600">From {ticket.fromEmail}</p>
          {ticket.triageIntent ? (
            <p className="mt-1 text-sm">
              <Badge>{humanize(ticket.triageIntent)}</Badge>{" "}
              {ticket.triageCategory ? <Badge>{ticket.triageCategory}</Badge> : null}
            </p>
          ) : null}
          <p className="mt-3 whitespace-pre-wrap text-sm">{ticket.body}</p>
        </article>
        <article aria-labelledby="proposal-heading" className="rounded bg-white p-4 shadow-sm">
          <h2 id="proposal-heading" className="font-medium">
            The agent proposed: {proposal.kind}
            {proposal.team ? ` to ${proposal.team}` : ""}
          </h2>
          <p className="mt-3 whitespace-pre-wrap text-sm">{proposal.text}</p>
        </article>
      </div>
      <SecondReviewForm id={review.id} judgement={review.judgement} />
    </section>
  );
}
