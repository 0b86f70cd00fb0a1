import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { reviews, secondReviews, users } from "@/db/schema";
import { sampledForSecondReview } from "@/lib/review/second-review-sample";

/** The demo's share of decided actions given a second review: more than a live 5 %, so the figures show. */
export const DEMO_SECOND_REVIEW_SHARE = 0.15;
/** An edit this small (normalised edit distance; the demo rates these 3) the second reviewer approves as it was. */
const LENIENT_EDIT_DISTANCE = 0.5;
const MINUTE_MS = 60_000;

/**
 * Second reviews for the demo history, so reviewer agreement has data on
 * first start: a sample of the demo's decisions (by the same hash live
 * sampling uses) is judged again by another account. The second reviewer
 * applies the same rules as the first (lib/demo/decisions.ts) with two
 * differences, so disagreements come from the data rather than from chance:
 * an edit smaller than LENIENT_EDIT_DISTANCE they approve as it was, and a
 * reply that should have been escalated they escalate rather than reject.
 * Every second review is given (none is left waiting) and marked demo.
 */
export async function buildDemoSecondReviews(db: Db, now: Date): Promise<number> {
  const accounts = await db.select({ id: users.id }).from(users).orderBy(asc(users.email));
  if (accounts.length < 2) return 0;
  const decided = await db
    .select({
      id: reviews.id,
      actionId: reviews.actionId,
      ticketId: reviews.ticketId,
      reviewerId: reviews.reviewerId,
      decision: reviews.decision,
      editDistance: reviews.editDistance,
      reasonTags: reviews.reasonTags,
      createdAt: reviews.createdAt,
    })
    .from(reviews)
    .where(and(eq(reviews.demo, true), inArray(reviews.actionKind, ["reply", "escalation"])))
    .orderBy(asc(reviews.createdAt), asc(reviews.id));
  const rows = decided
    .filter((r) => sampledForSecondReview(r.actionId, DEMO_SECOND_REVIEW_SHARE))
    .map((r, i) => {
      const other = accounts.find((a) => a.id !== r.reviewerId) ?? accounts[0];
      const lenient = r.decision === "edit" && (r.editDistance ?? 1) < LENIENT_EDIT_DISTANCE;
      const escalates = r.decision === "reject" && r.reasonTags.includes("should_have_escalated");
      const decidedAt = new Date(
        Math.min(r.createdAt.getTime() + (30 + (i % 7) * 45) * MINUTE_MS, now.getTime() - MINUTE_MS),
      );
      return {
        actionId: r.actionId,
        ticketId: r.ticketId,
        firstReviewId: r.id,
        firstReviewerId: r.reviewerId,
        reviewerId: other?.id ?? null,
        decision: lenient ? ("approve" as const) : escalates ? ("escalate" as const) : r.decision,
        reasonTags: lenient ? [] : r.reasonTags,
        demo: true,
        createdAt: r.createdAt,
        decidedAt,
      };
    });
  if (rows.length > 0) await db.insert(secondReviews).values(rows).onConflictDoNothing();
  return rows.length;
}
