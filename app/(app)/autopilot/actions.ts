"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { demoteCategory, promoteCategory } from "@/lib/autopilot/categories";
import { demoteInput, promoteInput, windowStart } from "@/lib/autopilot/inputs";
import { type ActionResult, actionError } from "@/lib/errors";
import { humanize } from "@/lib/format";
import { parseInput } from "@/lib/guardrails/inputs";

// Public POST endpoints: each checks the caller's scope itself before it parses the input.

export async function promoteCategoryAction(input: unknown): Promise<ActionResult> {
  try {
    const user = await requireScope("policies:write");
    const { window, ...key } = parseInput(promoteInput, input);
    await promoteCategory(await getDb(), user, { ...key, since: windowStart(window) });
    revalidatePath("/autopilot");
    return { ok: true, message: `${humanize(key.intent)} ${key.actionKind}s are on autopilot.` };
  } catch (error) {
    return actionError(error);
  }
}

export async function demoteCategoryAction(input: unknown): Promise<ActionResult> {
  try {
    const user = await requireScope("policies:write");
    const key = parseInput(demoteInput, input);
    const outcome = await demoteCategory(await getDb(), user, { ...key, reason: "Demoted by an admin." });
    revalidatePath("/autopilot");
    return {
      ok: true,
      message: outcome.demoted
        ? `${humanize(key.intent)} ${key.actionKind}s go to people again.`
        : "This category was not on autopilot any more.",
    };
  } catch (error) {
    return actionError(error);
  }
}
