import { buildAutopilotEvidence, DEMO_AUTOPILOT_INTENT } from "@/lib/demo/autopilot-evidence";
import { buildDemoHistory } from "@/lib/demo/history";
import { buildPendingBatch } from "@/lib/demo/pending-batch";
import { openConfiguredDatabase } from "./index";
import { describeDemoAccounts, isDatabaseEmpty, seedDemo } from "./seed";
import { seedDemoRouting } from "./seed/routing";

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
      const historyStarted = Date.now();
      const history = await buildDemoHistory(handle.db);
      log(
        `Built a 30-day demo history in ${((Date.now() - historyStarted) / 1000).toFixed(1)} s: the agent drafted ` +
          `${history.drafted} tickets, ${history.reviews} decisions on ${history.decided} of them were derived from ` +
          `Bitext's reference replies and intent labels, ${history.pending} wait in the review queue and ` +
          `${history.undrafted} are new. Remove it all with \`npm run demo:remove\`.`,
      );
      const evidence = await buildAutopilotEvidence(handle.db);
      log(
        `Added ${evidence} approved ${DEMO_AUTOPILOT_INTENT.replace("_", " ")} replies: that category is eligible on /autopilot.`,
      );
      const batch = await buildPendingBatch(handle.db);
      log(`Added ${batch} similar pending order-tracking drafts: they make a batch on /queue/batches.`);
      const routed = await seedDemoRouting(handle.db);
      log(
        `Routing is on: groups Frontline (default), Legal and Leads; ${routed} undecided actions routed (see /routing).`,
      );
      log(describeDemoAccounts());
    }
  } finally {
    await handle.close();
  }
}
