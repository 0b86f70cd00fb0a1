import { tool } from "ai";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { customers } from "@/db/schema";
import type { ToolContext } from "./context";

export const lookupCustomerInput = z
  .object({
    email: z.string().email().optional().describe("The customer's e-mail address"),
    customerId: z.string().uuid().optional().describe("The customer's id"),
  })
  .refine((v) => v.email || v.customerId, "Give an e-mail address or a customer id.");

export function lookupCustomerTool(ctx: ToolContext) {
  return tool({
    description: "Looks up the ticket's customer by e-mail address or id. Other customers are not found.",
    inputSchema: lookupCustomerInput,
    execute: async ({ email, customerId }) => {
      // Scoped to the ticket's customer: no other customer's contact data leaves this tool.
      const own = ctx.ticket.customer;
      const asked = customerId
        ? own?.id === customerId
        : own?.email.toLowerCase() === (email ?? "").toLowerCase();
      if (!own || !asked) return { found: false as const };
      const where = customerId
        ? eq(customers.id, customerId)
        : eq(customers.email, (email ?? "").toLowerCase());
      const [customer] = await ctx.db
        .select({ id: customers.id, email: customers.email, name: customers.name, tier: customers.tier })
        .from(customers)
        .where(and(where, eq(customers.id, own.id)))
        .limit(1);
      if (!customer) return { found: false as const };
      ctx.retrieved.customers.set(customer.id, customer);
      return { found: true as const, customer };
    },
  });
}
