import { count, sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { DEFAULT_INSTRUCTIONS, DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { triageColumns, triageOf } from "@/lib/triage/run-step";
import type { Db } from "../client";
import { customers, kbArticles, orders, policyVersions, tickets, users } from "../schema";
import { buildDemoData } from "./demo-data";

export const DEMO_PASSWORD = "countersign-demo";
export const DEMO_ACCOUNTS = [
  { email: "reviewer@example.com", name: "Riley Reviewer", role: "reviewer" },
  { email: "admin@example.com", name: "Avery Admin", role: "admin" },
  { email: "legal@example.com", name: "Lee Legal", role: "reviewer" },
] as const;

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0) === 0;
}

export interface SeedSummary {
  users: number;
  customers: number;
  orders: number;
  articles: number;
  tickets: number;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Seeds the demo: accounts, customers, orders, the knowledge base, tickets and
 * policy version 1. Deterministic for a given `now`, and a no-op on rows that
 * already exist, so running it twice never duplicates anything.
 */
export async function seedDemo(
  db: Db,
  options: { now?: Date; ticketsPerIntent?: number } = {},
): Promise<SeedSummary> {
  const data = buildDemoData({ seed: 42, now: options.now, ticketsPerIntent: options.ticketsPerIntent });
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  return db.transaction(async (tx) => {
    await tx
      .insert(users)
      .values(DEMO_ACCOUNTS.map((a) => ({ ...a, passwordHash })))
      .onConflictDoNothing();
    const [admin] = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`${users.email} = 'admin@example.com'`);

    for (const batch of chunks(data.customers, 500)) {
      await tx.insert(customers).values(batch).onConflictDoNothing();
    }
    const customerIds = new Map(
      (await tx.select({ id: customers.id, email: customers.email }).from(customers)).map((c) => [
        c.email,
        c.id,
      ]),
    );
    const idOf = (email: string) => {
      const id = customerIds.get(email);
      if (!id) throw new Error(`Demo data refers to an unknown customer ${email}`);
      return id;
    };

    for (const batch of chunks(data.orders, 500)) {
      await tx
        .insert(orders)
        .values(batch.map(({ customerEmail, ...o }) => ({ ...o, customerId: idOf(customerEmail) })))
        .onConflictDoNothing();
    }
    for (const batch of chunks(data.articles, 100)) {
      await tx.insert(kbArticles).values(batch).onConflictDoNothing();
    }
    for (const batch of chunks(data.tickets, 200)) {
      await tx
        .insert(tickets)
        .values(
          batch.map((t) => ({
            externalId: t.externalId,
            customerId: idOf(t.customerEmail),
            fromEmail: t.customerEmail,
            subject: t.subject,
            body: t.body,
            channel: t.channel,
            intent: t.intent,
            ...triageColumns(triageOf(t)),
            metadata: {
              source: t.source,
              ...(t.category ? { category: t.category } : {}),
              ...(t.referenceReply ? { referenceReply: t.referenceReply } : {}),
            },
            demo: true,
            createdAt: t.createdAt,
            updatedAt: t.createdAt,
          })),
        )
        .onConflictDoNothing();
    }

    await tx
      .insert(policyVersions)
      .values({
        version: 1,
        status: "published",
        rules: DEFAULT_RULES,
        instructions: DEFAULT_INSTRUCTIONS,
        note: "The starting constraints: no payments, legal issues and deletions escalate, verify before sending.",
        createdBy: admin?.id,
        publishedBy: admin?.id,
        publishedAt: options.now ?? new Date(),
      })
      .onConflictDoNothing();

    return {
      users: DEMO_ACCOUNTS.length,
      customers: data.customers.length,
      orders: data.orders.length,
      articles: data.articles.length,
      tickets: data.tickets.length,
    };
  });
}

export function describeDemoAccounts(): string {
  return [
    "Demo accounts (password for all: countersign-demo):",
    ...DEMO_ACCOUNTS.map((a) => `  ${a.email.padEnd(24)} ${a.role}`),
  ].join("\n");
}
