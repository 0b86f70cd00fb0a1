import { tool } from "ai";
import { z } from "zod";
import { TEAMS } from "@/lib/guardrails/rules";
import type { ToolContext } from "./context";

export const escalateToHumanInput = z.object({
  reason: z.string().min(1).max(2_000).describe("Why a person must handle this"),
  team: z.enum(TEAMS).describe("Which team should handle it"),
  urgency: z.enum(["low", "normal", "high"]).default("normal"),
  ruleIds: z.array(z.string()).default([]).describe("Ids of the policy rules that require this escalation"),
});

/** Proposes handing the ticket to a team. A person confirms it. */
export function escalateToHumanTool(ctx: ToolContext) {
  return tool({
    description: "Proposes escalating the ticket to a human team, with the reason.",
    inputSchema: escalateToHumanInput,
    execute: async (input) => {
      ctx.proposals.push({ kind: "escalation", payload: input });
      return {
        proposed: true,
        note: `Escalation to the ${input.team} team waits for a person to confirm it.`,
      };
    },
  });
}
