import { z } from "zod";
import { ACTION_KINDS } from "@/db/schema";
import { INTENTS } from "@/lib/triage/labels";

/** The windows the autopilot page offers, in days ("all": every review under the policy version). */
export const WINDOWS = ["7", "30", "90", "all"] as const;
export type AutopilotWindow = (typeof WINDOWS)[number];

export const windowSchema = z.enum(WINDOWS).catch("30");

/** The first instant of a window ending now; null for every review. */
export function windowStart(window: AutopilotWindow, now = new Date()): Date | null {
  return window === "all" ? null : new Date(now.getTime() - Number(window) * 86_400_000);
}

const category = {
  policyVersionId: z.uuid("This policy version id is not valid: reload the page."),
  intent: z.enum(INTENTS as [string, ...string[]], "This intent is not one the triage model knows."),
  actionKind: z.enum(ACTION_KINDS, `Pick an action kind: ${ACTION_KINDS.join(", ")}.`),
};

export const promoteInput = z.object({
  ...category,
  window: z.enum(WINDOWS, `Pick a window: ${WINDOWS.join(", ")}.`),
});
export const demoteInput = z.object(category);
