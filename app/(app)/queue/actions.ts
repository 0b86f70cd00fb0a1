"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { type ActionResult, actionError } from "@/lib/errors";
import { claimNextAction } from "@/lib/review/claims";
import { queueScope } from "@/lib/routing/scope";

const skipSchema = z.array(z.uuid()).max(50).default([]);

/** "Next": claims the oldest unclaimed action for the caller and says where it is. */
export async function claimNext(
  skip: string[] = [],
): Promise<ActionResult<{ ticketId: string; actionId: string }>> {
  try {
    const user = await requireScope("actions:review");
    const parsed = skipSchema.safeParse(skip);
    if (!parsed.success) return { ok: false, error: "The list of actions to skip is not valid." };
    const db = await getDb();
    const next = await claimNextAction(
      db,
      user.id,
      env().REVIEW_LEASE_MINUTES * 60_000,
      parsed.data,
      await queueScope(db, user),
    );
    if (!next)
      return {
        ok: false,
        error: "Nothing left to review: every action in your queues is decided or being reviewed by someone.",
      };
    return { ok: true, data: next };
  } catch (error) {
    return actionError(error);
  }
}
