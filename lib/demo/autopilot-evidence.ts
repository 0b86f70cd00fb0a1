import { count } from "drizzle-orm";
import type { Db } from "@/db";
import { reviews } from "@/db/schema";
import { amplifyHistory } from "./history";

/** The category the demo history makes eligible for autopilot: order-tracking replies. */
export const DEMO_AUTOPILOT_INTENT = "track_order";

/**
 * Adds `reviews` approved-as-is order-tracking replies to the demo history
 * (clones of the decided demo tickets whose reply was approved as proposed,
 * spread over the past 30 days), so one category is eligible for autopilot on
 * first start. Returns how many reviews it added.
 */
export async function buildAutopilotEvidence(
  db: Db,
  options: { reviews?: number; now?: Date } = {},
): Promise<number> {
  const [row] = await db.select({ n: count() }).from(reviews);
  const summary = await amplifyHistory(db, {
    reviews: Number(row?.n ?? 0) + (options.reviews ?? 500),
    approvedRepliesOf: DEMO_AUTOPILOT_INTENT,
    now: options.now,
  });
  return summary.reviews;
}
