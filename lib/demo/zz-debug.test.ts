import { it } from "vitest";
import { seedDemo } from "@/db/seed";
import { loadSuggestionsWithDryRun } from "@/lib/guardrails/suggestions/load";
import { loadAgreement } from "@/lib/metrics/agreement-load";
import { createTestDatabase } from "@/test/db";
import { buildDemoHistory } from "./history";

it("debug", async () => {
  const h = await createTestDatabase("postgres");
  await seedDemo(h.db);
  const t0 = Date.now();
  console.log(JSON.stringify(await buildDemoHistory(h.db)), Date.now() - t0, "ms");
  const a = await loadAgreement(h.db, { from: new Date(Date.now() - 31 * 86400000), to: new Date(Date.now() + 60000) });
  console.log("AGREEMENT", JSON.stringify({ ...a, disagreements: a.disagreements.length, byCategory: a.byCategory.slice(0, 5) }));
  const s = await loadSuggestionsWithDryRun(h.db);
  for (const x of s.suggestions) console.log("SUGGESTION", x.id, x.title, x.support, JSON.stringify(x.dryRun.agreement), x.dryRun.changes.length);
  await h.destroy();
}, 900_000);
