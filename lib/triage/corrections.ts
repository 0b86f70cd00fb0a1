import { and, eq, isNotNull, or } from "drizzle-orm";
import type { Db } from "@/db";
import { openConfiguredDatabase } from "@/db";
import { reviews, tickets } from "@/db/schema";
import type { LabelledRow } from "./datasets";
import { CATEGORIES, type Category, categoryOfIntent, INTENTS, OUT_OF_SCOPE } from "./labels";

/** Reviewers' corrections of the triage reading, as training rows (always in the training split). */
export async function reviewCorrections(db: Db): Promise<LabelledRow[]> {
  const rows = await db
    .select({
      subject: tickets.subject,
      body: tickets.body,
      triageIntent: tickets.triageIntent,
      correctedIntent: reviews.correctedIntent,
      correctedCategory: reviews.correctedCategory,
    })
    .from(reviews)
    .innerJoin(tickets, eq(tickets.id, reviews.ticketId))
    .where(and(or(isNotNull(reviews.correctedIntent), isNotNull(reviews.correctedCategory))))
    .orderBy(reviews.createdAt, reviews.id);
  return rows.flatMap((r) => {
    const intent = r.correctedIntent ?? r.triageIntent ?? OUT_OF_SCOPE;
    if (!INTENTS.includes(intent)) return [];
    const category = (
      CATEGORIES.includes(r.correctedCategory as Category) ? r.correctedCategory : categoryOfIntent(intent)
    ) as Category;
    return [
      {
        dataset: "reviews",
        subject: r.subject,
        body: r.body,
        intent,
        category,
        sourceLabel: intent,
        split: "train",
      },
    ];
  });
}

/** Opens DATABASE_URL (or the app's embedded database) and reads the corrections. */
export async function loadReviewCorrections(): Promise<LabelledRow[]> {
  const handle = await openConfiguredDatabase();
  try {
    return await reviewCorrections(handle.db);
  } finally {
    await handle.close();
  }
}
