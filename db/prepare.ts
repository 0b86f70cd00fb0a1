import { asc, eq } from "drizzle-orm";
import { runAgent } from "@/lib/agent/run";
import type { Db } from "./client";
import { openConfiguredDatabase } from "./index";
import { tickets } from "./schema";
import { describeDemoAccounts, isDatabaseEmpty, seedDemo } from "./seed";

/** Migrates the configured database and seeds the demo into an empty one. Returns what it did. */
export async function prepareDatabase(log: (line: string) => void = console.log): Promise<void> {
  const started = Date.now();
  const handle = await openConfiguredDatabase();
  try {
    log(`Database (${handle.kind}) migrated in ${Date.now() - started} ms.`);
    if (await isDatabaseEmpty(handle.db)) {
      const summary = await seedDemo(handle.db);
      log(
        `Seeded demo data: ${summary.tickets} tickets, ${summary.customers} customers, ${summary.orders} orders, ` +
          `${summary.articles} knowledge-base articles, policy version 1.`,
      );
      const drafted = await draftDemoBacklog(handle.db, 60);
      log(`The offline agent drafted the ${drafted} oldest tickets, so the review queue has work in it.`);
      log(describeDemoAccounts());
    }
  } finally {
    await handle.close();
  }
}

/** Drafts the oldest new tickets with the configured model, so a first visit finds a queue to review. */
export async function draftDemoBacklog(db: Db, count: number): Promise<number> {
  const oldest = await db
    .select({ id: tickets.id })
    .from(tickets)
    .where(eq(tickets.status, "new"))
    .orderBy(asc(tickets.createdAt))
    .limit(count);
  for (const t of oldest) await runAgent(db, t.id, { demo: true });
  return oldest.length;
}
