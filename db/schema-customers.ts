/** Customers and their orders, which the agent looks up. */
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";

export const customers = pgTable("customers", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  phone: text("phone"),
  tier: text("tier", { enum: ["standard", "gold", "vip"] })
    .notNull()
    .default("standard"),
  createdAt: createdAt(),
});

export type OrderItem = { sku: string; name: string; quantity: number; unitPriceCents: number };

export const ORDER_STATUSES = ["placed", "shipped", "delivered", "cancelled", "returned"] as const;

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    number: text("number").notNull().unique(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    totalCents: integer("total_cents").notNull(),
    currency: text("currency").notNull().default("USD"),
    items: jsonb("items").$type<OrderItem[]>().notNull().default([]),
    placedAt: timestamp("placed_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("orders_customer_idx").on(t.customerId, t.placedAt)],
);
