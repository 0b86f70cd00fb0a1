/**
 * `npm run eval`: runs the agent over the seeded, labelled tickets and prints
 * per-intent outcomes and the escalation and grounding scores. Uses
 * DATABASE_URL when set; otherwise a fresh in-memory database of its own.
 */
import { migrateDatabase, openDatabase } from "@/db/client";
import { seedDemo } from "@/db/seed";
import { evaluateAgent, formatReport } from "@/lib/agent/eval";
import { env } from "@/lib/env";

async function main() {
  const url = env().DATABASE_URL;
  const handle = url ? await openDatabase({ kind: "postgres", url }) : await openDatabase({ kind: "pglite" });
  try {
    await migrateDatabase(handle);
    await seedDemo(handle.db);
    const report = await evaluateAgent(handle.db, (done, total) => {
      if (done % 50 === 0 || done === total) process.stderr.write(`  ${done}/${total} tickets\n`);
    });
    console.log(formatReport(report));
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
