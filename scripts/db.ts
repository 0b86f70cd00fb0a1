/** `npm run db:migrate | db:seed | db:reset` against the configured database. */
import { rmSync } from "node:fs";
import { sql } from "drizzle-orm";
import { openConfiguredDatabase } from "@/db";
import { lockDataDir } from "@/db/lock";
import { prepareDatabase } from "@/db/prepare";
import { describeDemoAccounts, seedDemo } from "@/db/seed";
import { databaseKind, dataDir } from "@/lib/env";

async function main(command: string | undefined) {
  switch (command) {
    case "migrate": {
      const handle = await openConfiguredDatabase();
      await handle.close();
      console.log(`Migrated the ${handle.kind} database.`);
      return;
    }
    case "seed": {
      const handle = await openConfiguredDatabase();
      try {
        const summary = await seedDemo(handle.db);
        console.log(`Seeded (existing rows kept): ${JSON.stringify(summary)}`);
        console.log(describeDemoAccounts());
      } finally {
        await handle.close();
      }
      return;
    }
    case "reset": {
      if (databaseKind() === "pglite") {
        const release = lockDataDir(dataDir()); // refuses while a server holds it
        release();
        rmSync(dataDir(), { recursive: true, force: true });
      } else {
        const handle = await openConfiguredDatabase({ migrate: false });
        await handle.db.execute(sql`drop schema if exists public cascade`);
        await handle.db.execute(sql`drop schema if exists drizzle cascade`);
        await handle.db.execute(sql`drop schema if exists pgboss cascade`);
        await handle.db.execute(sql`create schema public`);
        await handle.close();
      }
      await prepareDatabase();
      return;
    }
    default:
      console.error("Usage: tsx scripts/db.ts migrate|seed|reset");
      process.exit(2);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
