"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, AppError, actionError } from "@/lib/errors";
import { openSuggestionAsDraft } from "@/lib/guardrails/suggestions/open";

const openInput = z.object({
  suggestionId: z
    .string("Pick a suggestion.")
    .min(1, "Pick a suggestion.")
    .max(400, "This suggestion id is not valid."),
});

/** Opens a mined suggestion as the policy draft and dry-runs it (admins only). */
export async function openSuggestionAction(input: unknown): Promise<ActionResult<{ version: number }>> {
  try {
    const user = await requireScope("policies:write");
    const parsed = openInput.safeParse(input);
    if (!parsed.success)
      throw new AppError("bad_request:policy", parsed.error.issues[0]?.message ?? "Pick a suggestion.");
    const { draft, dryRun } = await openSuggestionAsDraft(await getDb(), user, parsed.data.suggestionId);
    revalidatePath("/policies");
    return {
      ok: true,
      data: { version: draft.version },
      message: `Draft version ${draft.version} opened; its dry-run over ${dryRun.runsReplayed} decided runs changes ${dryRun.affectedTickets} tickets.`,
    };
  } catch (error) {
    return actionError(error);
  }
}
