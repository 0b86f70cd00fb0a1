import { tool } from "ai";
import { z } from "zod";
import { citationSchema } from "../types";
import type { ToolContext } from "./context";

export const draftReplyInput = z.object({
  text: z.string().min(1).max(10_000).describe("The reply to the customer"),
  citations: z.array(citationSchema).max(20).describe("Articles and orders the reply relies on"),
});

/** Proposes a reply. It sends nothing: a person approves it first. */
export function draftReplyTool(ctx: ToolContext, model: () => string) {
  return tool({
    description:
      "Proposes a reply to the customer for a person to review. Cite every article and order it relies on.",
    inputSchema: draftReplyInput,
    execute: async ({ text, citations }) => {
      ctx.proposals.push({ kind: "reply", payload: { text, citations, model: model() } });
      return { proposed: true, note: "The reply waits for a person to review it." };
    },
  });
}
