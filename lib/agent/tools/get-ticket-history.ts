import { tool } from "ai";
import { and, desc, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { tickets } from "@/db/schema";
import type { ToolContext } from "./context";

export const getTicketHistoryInput = z.object({
  customerEmail: z.string().email().describe("Whose earlier tickets to list"),
});

export function getTicketHistoryTool(ctx: ToolContext) {
  return tool({
    description: "Lists the customer's earlier tickets (subject, status, date), newest first.",
    inputSchema: getTicketHistoryInput,
    execute: async ({ customerEmail }) => {
      // Scoped to the ticket's sender: another customer's tickets are not listed.
      const own = [ctx.ticket.fromEmail, ctx.ticket.customer?.email ?? ""].map((e) => e.toLowerCase());
      if (!own.includes(customerEmail.toLowerCase())) return { tickets: [] };
      const rows = await ctx.db
        .select({ subject: tickets.subject, status: tickets.status, createdAt: tickets.createdAt })
        .from(tickets)
        .where(and(eq(tickets.fromEmail, customerEmail.toLowerCase()), ne(tickets.id, ctx.ticket.id)))
        .orderBy(desc(tickets.createdAt))
        .limit(5);
      return { tickets: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
    },
  });
}
