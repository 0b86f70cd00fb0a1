/**
 * `npm run demo:remove`: deletes the demo tickets and their history (runs,
 * steps, actions, reviews, deliveries, the audit entries of demo decisions)
 * from the configured database and says how many of each went.
 */
import { openConfiguredDatabase } from "@/db";
import { removeDemoData } from "@/lib/demo/remove";
import { ConfigError, databaseKind } from "@/lib/env";

async function main() {
  const handle = await openConfiguredDatabase();
  try {
    const removed = await removeDemoData(handle.db);
    if (removed.tickets === 0 && removed.runs === 0 && removed.reviews === 0) {
      console.log(`No demo data in the ${handle.kind} database: nothing to remove.`);
      return;
    }
    console.log(`Removed the demo data from the ${handle.kind} database:`);
    for (const [what, n] of Object.entries(removed)) {
      console.log(
        `  ${what.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).padEnd(14)} ${n.toLocaleString("en-US")}`,
      );
    }
    console.log("Accounts, customers, orders, the knowledge base and policy versions were kept.");
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof Error && error.name === "DataDirLockedError") {
    console.error(
      `\n${error.message}\n\nA running Countersign server holds the embedded database. Stop it (Ctrl+C in the ` +
        "terminal running npm start), then run `npm run demo:remove` again.\n",
    );
  } else if (error instanceof ConfigError) {
    console.error(`\n${error.message}\n`);
  } else {
    console.error(error instanceof Error ? error.message : error);
    console.error(`Nothing was removed (the ${databaseKind()} database is unchanged).`);
  }
  process.exit(1);
});
