import { openDatabase } from "@/db/client";
import { loadRollupRows } from "@/lib/metrics/rollups";
import { loadFigures } from "@/lib/metrics/figures";
import { parseMetricsQuery, loadMetricsReport } from "@/lib/metrics/report";
import { addDays } from "@/lib/metrics/period";
const h = await openDatabase({ kind: "postgres", url: "postgres://postgres@127.0.0.1:5432/countersign_bench_metrics", max: 10 });
async function t(name: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 2; i++) await f();
  const s = performance.now(); for (let i = 0; i < 5; i++) await f();
  console.log(name.padEnd(30), ((performance.now() - s) / 5).toFixed(1), "ms");
}
const p = parseMetricsQuery({});
const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
await t("stored 43 days", () => loadRollupRows(h.db, { from: addDays(today, -43), to: today }));
await t("window rows (43 stored+today)", () => loadRollupRows(h.db, { from: addDays(today, -43), to: addDays(today, 1) }));
// @ts-ignore
const { loadPercentilesForBench } = await import("@/lib/metrics/figures");
await t("loadFigures", () => loadFigures(h.db, p));
await t("report", () => loadMetricsReport(h.db, p));
await t("report by policy", () => loadMetricsReport(h.db, parseMetricsQuery({groupBy: "policy"})));
await h.close();
const h2 = await openDatabase({ kind: "postgres", url: "postgres://postgres@127.0.0.1:5432/countersign_bench_metrics", max: 10 });
const { loadPercentiles } = await import("@/lib/metrics/figures");
await t("percentiles day", () => loadPercentiles(h2.db, p));
await t("percentiles policy", () => loadPercentiles(h2.db, parseMetricsQuery({groupBy: "policy"})));
await h2.close();
