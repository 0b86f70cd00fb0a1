/**
 * `npm run bench:metrics [-- --tickets 100000 --iterations 50 --keep --reuse]`: the dashboard's
 * data at scale on real PostgreSQL. Seeds the demo, builds its history (the agent really drafts),
 * clones it with amplifyHistory to ~100k tickets / ~1.4M steps, then times loadMetricsReport (the
 * one function the page and the API call) for several periods and cuts. Goal: p95 <= 200 ms for
 * the whole page's data.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { type DatabaseHandle, migrateDatabase, openDatabase, rowsOf } from "@/db/client";
import { seedDemo } from "@/db/seed";
import { amplifyHistory, buildDemoHistory } from "@/lib/demo/history";
import { loadPercentiles, readWindow } from "@/lib/metrics/figures";
import { GROUP_BYS } from "@/lib/metrics/period";
import { loadMetricsReport, parseMetricsQuery } from "@/lib/metrics/report";
import { computeRollupRows, loadRollupRows } from "@/lib/metrics/rollups";
import {
  backendCpuMs,
  benchDatabaseExists,
  benchDatabaseUrl,
  benchServerUrl,
  freshBenchDatabase,
  parseArgs,
  percentile,
} from "./db";

const DB_NAME = "countersign_bench_metrics";
const GOAL_P95_MS = 200;

const args = parseArgs(process.argv.slice(2));
const argv = process.argv.slice(2);
const targetTickets = Number(args.tickets ?? 100_000);
const iterations = Number(args.iterations ?? 50);
const NOW = new Date();
const today = NOW.toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString().slice(0, 10);

const SCENARIOS: { name: string; params: Record<string, string> }[] = [
  { name: "30 days, by day (the default page)", params: {} },
  ...GROUP_BYS.filter((g) => g !== "day").map((groupBy) => ({
    name: `30 days, by ${groupBy}`,
    params: { groupBy },
  })),
  { name: "7 days, by day", params: { from: daysAgo(6), to: today } },
  // The history spans 30 days: a 15-day period is the one whose previous period is as full as itself.
  { name: "15 days, full previous period", params: { from: daysAgo(14), to: today } },
  { name: "today, by day", params: { from: today, to: today } },
  { name: "90 days, by day", params: { from: daysAgo(89), to: today } },
];

async function one<T>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T> {
  return rowsOf<T>(await handle.db.execute(query))[0] as T;
}

async function prepare(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  if (argv.includes("--reuse") && (await benchDatabaseExists(DB_NAME))) {
    const handle = await openDatabase({ kind: "postgres", url: benchDatabaseUrl(DB_NAME), max: 20 });
    const started = performance.now();
    await migrateDatabase(handle); // a kept database is brought to this schema first
    console.log(`reusing ${DB_NAME} (migrated in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    return { handle, drop: async () => handle.close() };
  }
  const fresh = await freshBenchDatabase(DB_NAME);
  const handle: DatabaseHandle = fresh;
  let started = performance.now();
  await seedDemo(handle.db);
  const history = await buildDemoHistory(handle.db);
  console.log(
    `demo history      ${history.drafted} drafted, ${history.reviews} reviews in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // Each clone round adds the decided tickets and their reviews: aim the review target at the ticket target.
  const shape = await one<{ tickets: number; sources: number; reviews: number; perRound: number }>(
    handle,
    sql`select (select count(*) from tickets)::int as tickets,
               (select count(distinct ticket_id) from reviews)::int as sources,
               (select count(*) from reviews)::int as reviews,
               (select count(*) from reviews)::int as "perRound"`,
  );
  const rounds = Math.ceil(Math.max(0, targetTickets - shape.tickets) / shape.sources);
  started = performance.now();
  const amplified = await amplifyHistory(handle.db, {
    reviews: shape.reviews + rounds * shape.perRound,
    onProgress: ({ reviews, target }) =>
      process.stdout.write(`\ramplifying        ${reviews} / ${target} reviews`),
  });
  console.log(
    `\namplified         +${amplified.tickets} tickets, +${amplified.steps} steps in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  started = performance.now();
  await handle.db.execute(sql`vacuum analyze`);
  console.log(`vacuum analyze    ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { handle, drop: argv.includes("--keep") ? fresh.close : fresh.drop };
}

async function time(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(); // warm the caches and the plans
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;

/** CPU time this benchmark's database has spent so far (see backendCpuMs). */
async function serverCpuMs(admin: postgres.Sql | null): Promise<number | null> {
  if (!admin) return null;
  const pids = await admin`select pid from pg_stat_activity where datname = ${DB_NAME}`;
  const cpu = backendCpuMs(pids.map(({ pid }) => Number(pid)));
  return cpu ? [...cpu.values()].reduce((a, b) => a + b, 0) : null;
}

async function measure(handle: DatabaseHandle, label: string, admin: postgres.Sql | null): Promise<number> {
  console.log(`\n${label}: loadMetricsReport, ${iterations} iterations per scenario`);
  let worst = 0;
  // Closed days are stored by the first view (or the worker); what that costs is measured below.
  await loadMetricsReport(handle.db, parseMetricsQuery({ from: daysAgo(89), to: today }, NOW));
  for (const scenario of SCENARIOS) {
    const period = parseMetricsQuery(scenario.params, NOW);
    const cpuBefore = await serverCpuMs(admin);
    const samples = await time(() => loadMetricsReport(handle.db, period), iterations);
    const cpuAfter = await serverCpuMs(admin);
    const p95 = percentile(samples, 95);
    worst = Math.max(worst, p95);
    const cpu =
      cpuBefore !== null && cpuAfter !== null
        ? ` · db CPU ${((cpuAfter - cpuBefore) / (iterations + 3)).toFixed(0).padStart(4)} ms/page`
        : "";
    console.log(
      `  ${scenario.name.padEnd(36)} p50 ${fmt(percentile(samples, 50))} · p95 ${fmt(p95)} · max ${fmt(samples.at(-1) ?? 0)}${cpu}`,
    );
  }
  // Where the default page's time goes: each part alone (they run side by side in the report).
  const period = parseMetricsQuery({}, NOW);
  const todayStart = new Date(`${today}T00:00:00Z`);
  // The default page's closed days: its 30 and the previous period's 30.
  const window = { from: readWindow(period).from, to: todayStart };
  const closedDays = Math.round((window.to.getTime() - window.from.getTime()) / 86_400_000);
  const parts: [string, () => Promise<unknown>][] = [
    [
      `stored days (${closedDays} closed days read)`,
      () => loadRollupRows(handle.db, window, { cuts: "none" }),
    ],
    [
      "today from the records",
      () =>
        computeRollupRows(
          handle.db,
          { from: todayStart, to: new Date(todayStart.getTime() + 86_400_000) },
          { history: true, cuts: "none" },
        ),
    ],
    ["percentiles (30 days and the 30 before)", () => loadPercentiles(handle.db, period)],
  ];
  console.log("  each part alone, 30 days (p50):");
  for (const [name, fn] of parts) {
    console.log(`    ${name.padEnd(40)} ${fmt(percentile(await time(fn, 10), 50))}`);
  }
  // What storing costs, once: the first view after the stored days are dropped (all 44 of the
  // default page's window), and the first view of a new day (yesterday only).
  for (const [label, from] of [
    [`first view, ${closedDays} days to store`, window.from],
    ["first view of a day, 1 day to store", new Date(todayStart.getTime() - 86_400_000)],
  ] as const) {
    await handle.db.execute(
      sql`delete from metric_rollups where day >= ${from.toISOString().slice(0, 10)}::date`,
    );
    const started = performance.now();
    await loadMetricsReport(handle.db, period);
    console.log(`  ${label.padEnd(42)} ${fmt(performance.now() - started)}`);
  }
  return worst;
}

const { handle, drop } = await prepare();
const admin = existsSync("/proc/self/stat")
  ? postgres(benchServerUrl(), { max: 1, onnotice: () => {} })
  : null;
try {
  const size = await one<Record<string, number>>(
    handle,
    sql`select (select count(*) from tickets)::int as tickets, (select count(*) from agent_runs)::int as runs,
               (select count(*) from agent_steps)::int as steps, (select count(*) from agent_actions)::int as actions,
               (select count(*) from reviews)::int as reviews`,
  );
  console.log(
    `\nbench:metrics on PostgreSQL — ${Object.entries(size)
      .map(([k, v]) => `${Number(v).toLocaleString("en-US")} ${k}`)
      .join(", ")}; ${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(1)}`,
  );
  const worst = await measure(handle, "schema indexes", admin);
  console.log(
    `worst scenario p95 ${worst.toFixed(1)} ms (goal <= ${GOAL_P95_MS} ms: ${worst <= GOAL_P95_MS ? "met" : "MISSED"})`,
  );
} finally {
  await admin?.end();
  await drop();
}
