import { tool } from "ai";
import { z } from "zod";
import type { ToolContext } from "./context";

export const issueRefundInput = z.object({
  orderNumber: z.string().min(1).max(40),
  amountCents: z.number().int().nonnegative().describe("Amount to refund, in cents"),
  reason: z.string().min(1).max(2_000),
});

/** Proposes a refund. It never pays anything: a person decides. */
export function issueRefundTool(ctx: ToolContext) {
  return tool({
    description: "Proposes refunding an order. It moves no money: a person reviews the proposal.",
    inputSchema: issueRefundInput,
    execute: async (input) => {
      ctx.proposals.push({ kind: "refund", payload: input });
      return { proposed: true, note: "The refund proposal waits for a person to review it." };
    },
  });
}
