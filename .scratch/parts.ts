import { openDatabase } from "@/db/client";
import { computeRollupRows } from "@/lib/metrics/rollups";
import { sql } from "drizzle-orm";
const h = await openDatabase({ kind: "postgres", url: "postgres://postgres@127.0.0.1:5432/countersign_bench_metrics", max: 4 });
const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
const r = { from: today, to: new Date(today.getTime() + 86400000) };
async function t(name: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 2; i++) await f();
  const s = performance.now(); for (let i = 0; i < 5; i++) await f();
  console.log(name, ((performance.now() - s) / 5).toFixed(1), "ms");
}
await t("today with history", () => computeRollupRows(h.db, r, {history: true, cuts: false}));
await t("today no history", () => computeRollupRows(h.db, r, {history: false, cuts: false}));
const y = { from: new Date(today.getTime() - 86400000), to: today };
await t("today with cuts", () => computeRollupRows(h.db, r, {history: true, cuts: true}));
await h.close();
