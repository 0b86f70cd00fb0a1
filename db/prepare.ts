import { openConfiguredDatabase } from "./index";
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
      log(describeDemoAccounts());
    }
  } finally {
    await handle.close();
  }
}
