import { tool } from "ai";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { customers, orders } from "@/db/schema";
import type { RetrievedOrder } from "../types";
import type { ToolContext } from "./context";

export const lookupOrdersInput = z
  .object({
    orderNumber: z.string().max(40).optional().describe("An order number such as ORD-123456"),
    customerEmail: z.string().email().optional().describe("List the orders of the customer with this e-mail"),
  })
  .refine((v) => v.orderNumber || v.customerEmail, "Give an order number or a customer e-mail.");

export function lookupOrdersTool(ctx: ToolContext) {
  return tool({
    description:
      "Looks up orders of the ticket's customer by order number, or their most recent orders. Orders of other customers are not found.",
    inputSchema: lookupOrdersInput,
    execute: async ({ orderNumber, customerEmail }) => {
      // Scoped to the ticket's customer: another customer's order is "not found" for this ticket.
      const owner = ctx.ticket.customer;
      if (!owner)
        return { orders: [], note: "The ticket's sender is not a known customer: no orders to show." };
      if (customerEmail && customerEmail.toLowerCase() !== owner.email.toLowerCase())
        return { orders: [], note: "Only the orders of the ticket's customer can be looked up." };
      const query = ctx.db
        .select({
          number: orders.number,
          status: orders.status,
          totalCents: orders.totalCents,
          currency: orders.currency,
          placedAt: orders.placedAt,
          items: orders.items,
        })
        .from(orders)
        .innerJoin(customers, eq(customers.id, orders.customerId));
      const rows = orderNumber
        ? await query
            .where(and(eq(orders.number, orderNumber.trim().toUpperCase()), eq(customers.id, owner.id)))
            .limit(1)
        : await query.where(eq(customers.id, owner.id)).orderBy(desc(orders.placedAt)).limit(5);
      const found: RetrievedOrder[] = rows.map((r) => ({
        number: r.number,
        status: r.status,
        totalCents: r.totalCents,
        currency: r.currency,
        placedAt: r.placedAt.toISOString(),
        itemPricesCents: r.items.map((i) => i.unitPriceCents),
      }));
      for (const order of found) ctx.retrieved.orders.set(order.number, order);
      return {
        orders: rows.map((r, i) => ({ ...found[i], items: r.items })),
        ...(orderNumber && rows.length === 0
          ? { note: `Order ${orderNumber} was not found for this customer.` }
          : {}),
      };
    },
  });
}
