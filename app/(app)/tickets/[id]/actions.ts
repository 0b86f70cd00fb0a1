"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { runAgent } from "@/lib/agent/run";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";

const draftSchema = z.object({
  ticketId: z.uuid("This ticket id is not valid."),
  guidance: z
    .string()
    .trim()
    .max(2000, "Keep the guidance under 2,000 characters.")
    .optional()
    .transform((v) => v || undefined),
});

/** "Draft with agent" and "Redraft": runs the agent on one ticket and waits for its proposals. */
export async function draftTicketAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  try {
    const user = await requireScope("tickets:draft");
    const parsed = draftSchema.safeParse({
      ticketId: form.get("ticketId"),
      guidance: form.get("guidance") ?? undefined,
    });
    if (!parsed.success) {
      return {
        ok: false,
        error: parsed.error.issues[0]?.message ?? "Check the form.",
        fieldErrors: z.flattenError(parsed.error).fieldErrors,
      };
    }
    const outcome = await runAgent(await getDb(), parsed.data.ticketId, {
      guidance: parsed.data.guidance,
      triggeredBy: user.id,
    });
    revalidatePath(`/tickets/${parsed.data.ticketId}`);
    const pending = outcome.actions.filter((a) => a.status === "pending_review").length;
    const blocked = outcome.actions.filter((a) => a.status === "blocked").length;
    const auto = outcome.actions.filter((a) => a.status === "approved").length;
    return {
      ok: true,
      message: `The agent proposed ${pending} action${pending === 1 ? "" : "s"} for review${blocked ? ` and ${blocked} was blocked by policy` : ""}${auto ? `; ${auto} approved by autopilot` : ""}${outcome.cacheHit ? " (reused an identical earlier decision)" : ""}.`,
    };
  } catch (error) {
    return actionError(error);
  }
}
