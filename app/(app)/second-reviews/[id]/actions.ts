"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, AppError, actionError } from "@/lib/errors";
import { decideSecondReview, secondReviewInput } from "@/lib/review/second-review";

/** Stores a blind second judgement (agreement only: nothing is sent to the customer). */
export async function decideSecondReviewAction(input: unknown): Promise<ActionResult> {
  try {
    const user = await requireScope("actions:review");
    const parsed = secondReviewInput.safeParse(input);
    if (!parsed.success) {
      throw new AppError("bad_request:review", parsed.error.issues[0]?.message ?? "Check the form.");
    }
    await decideSecondReview(await getDb(), user, parsed.data);
    revalidatePath("/queue");
    return { ok: true, message: "Second review saved. It counts for agreement only: nothing was sent." };
  } catch (error) {
    return actionError(error);
  }
}
