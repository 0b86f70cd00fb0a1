import { aliasedTable, and, eq, gte, isNotNull, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { reviews, secondReviews, tickets, users } from "@/db/schema";
import { type AgreementReport, judgeAgreement, type ReviewPair } from "./agreement";

const firstReviewer = aliasedTable(users, "first_reviewer");
const secondReviewer = aliasedTable(users, "second_reviewer");

/** Every second review given in [from, to), paired with the first decision on the same action. */
export async function loadReviewPairs(db: Db, range: { from: Date; to: Date }): Promise<ReviewPair[]> {
  const rows = await db
    .select({
      actionId: secondReviews.actionId,
      ticketId: secondReviews.ticketId,
      subject: tickets.subject,
      intent: tickets.triageIntent,
      actionKind: reviews.actionKind,
      firstId: reviews.reviewerId,
      firstName: firstReviewer.name,
      firstDecision: reviews.decision,
      secondId: secondReviews.reviewerId,
      secondName: secondReviewer.name,
      secondDecision: secondReviews.decision,
      decidedAt: secondReviews.decidedAt,
    })
    .from(secondReviews)
    .innerJoin(reviews, eq(reviews.id, secondReviews.firstReviewId))
    .innerJoin(tickets, eq(tickets.id, secondReviews.ticketId))
    .leftJoin(firstReviewer, eq(firstReviewer.id, reviews.reviewerId))
    .leftJoin(secondReviewer, eq(secondReviewer.id, secondReviews.reviewerId))
    .where(
      and(
        isNotNull(secondReviews.decision),
        gte(secondReviews.decidedAt, range.from),
        lt(secondReviews.decidedAt, range.to),
      ),
    );
  return rows.flatMap((r) =>
    r.secondDecision && r.decidedAt
      ? [
          {
            actionId: r.actionId,
            ticketId: r.ticketId,
            subject: r.subject,
            intent: r.intent ?? "unknown",
            actionKind: r.actionKind,
            first: {
              reviewerId: r.firstId,
              reviewerName: r.firstName ?? "removed account",
              decision: r.firstDecision,
            },
            second: {
              reviewerId: r.secondId,
              reviewerName: r.secondName ?? "removed account",
              decision: r.secondDecision,
            },
            decidedAt: r.decidedAt.toISOString(),
          },
        ]
      : [],
  );
}

/** Reviewer agreement over the period, as the dashboard and `GET /api/v1/metrics` show it. */
export async function loadAgreement(db: Db, range: { from: Date; to: Date }): Promise<AgreementReport> {
  return judgeAgreement(await loadReviewPairs(db, range));
}
