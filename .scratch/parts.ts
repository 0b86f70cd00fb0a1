import { openDatabase } from "@/db/client";
import { computeRollupRows, loadRollupRows } from "@/lib/metrics/rollups";
import { loadPercentiles } from "@/lib/metrics/figures";
import { parseMetricsQuery } from "@/lib/metrics/report";
import { addDays } from "@/lib/metrics/period";
const h = await openDatabase({ kind: "postgres", url: "postgres://postgres@127.0.0.1:5432/countersign_bench_metrics", max: 4 });
const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
const r = { from: today, to: new Date(today.getTime() + 86400000) };
async function t(name: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 2; i++) await f();
  const s = performance.now(); for (let i = 0; i < 5; i++) await f();
  console.log(name.padEnd(34), ((performance.now() - s) / 5).toFixed(1), "ms");
}
for (const cuts of ["none", "policy", "both"] as const) await t(`today, history, cuts ${cuts}`, () => computeRollupRows(h.db, r, { history: true, cuts }));
await t("today no history", () => computeRollupRows(h.db, r, { history: false, cuts: "none" }));
for (const cuts of ["none", "policy", "both"] as const) await t(`stored 43 days ${cuts}`, () => loadRollupRows(h.db, { from: addDays(today, -43), to: today }, { cuts }));
for (const groupBy of ["day", "policy", "model"] as const) await t(`percentiles ${groupBy}`, () => loadPercentiles(h.db, parseMetricsQuery({ groupBy })));
await h.close();
