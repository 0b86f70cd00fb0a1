/**
 * `npm run bench:agent [-- --tickets 1000 --concurrency 8 --database countersign_bench_agent]`:
 * drafts N tickets with the offline model on real PostgreSQL and prints
 * throughput, run latency, where the time goes, the statements (round trips)
 * and CPU time per ticket (with the throughput it bounds on idle cores), and
 * the machine's load average.
 */
import { availableParallelism, loadavg } from "node:os";
import { sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { runAgent } from "@/lib/agent/run";
import { backendCpuMs, freshBenchDatabase, parseArgs, percentile } from "./db";

const args = parseArgs(process.argv.slice(2));
const target = Number(args.tickets ?? 1000);
const concurrency = Number(args.concurrency ?? 8);
const databaseName = args.database ?? "countersign_bench_agent";

const statements = { counting: false, all: 0, chain: 0 };
const CHAIN_WRITE = /^(insert into "agent_steps"|with "steps" as \(insert into "agent_steps")/;
const handle = await freshBenchDatabase(databaseName, {
  onStatement: (text) => {
    if (!statements.counting) return;
    statements.all++;
    if (CHAIN_WRITE.test(text)) statements.chain++;
  },
});
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** CPU time (ms) of this database's PostgreSQL backends, by pid (null when the server is elsewhere). */
async function databaseCpu(): Promise<Map<number, number> | null> {
  const pids = rowsOf<{ pid: number }>(
    await handle.db.execute(
      sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    ),
  );
  return backendCpuMs(pids.map((p) => Number(p.pid)));
}

try {
  await seedDemo(handle.db, { ticketsPerIntent: Math.ceil(target / 27) });
  const ids = (await handle.db.select({ id: tickets.id }).from(tickets)).map((t) => t.id).slice(0, target);
  console.log(`bench:agent — ${ids.length} tickets, concurrency ${concurrency}, offline model, PostgreSQL`);
  console.log(`load average      ${load()} (before)`);

  const latencies: number[] = [];
  let writeMs = 0;
  let next = 0;
  const cpuBefore = await databaseCpu();
  const nodeCpu = process.cpuUsage();
  statements.counting = true;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        if (!id) break;
        const outcome = await runAgent(handle.db, id, { useCache: false });
        latencies.push(outcome.timings.totalMs);
        writeMs += outcome.timings.writeMs;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  statements.counting = false;
  const nodeCpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(nodeCpu));
  const cpuAfter = await databaseCpu();
  const loadAfter = load();
  latencies.sort((a, b) => a - b);
  const total = latencies.reduce((a, b) => a + b, 0);
  const [row] = rowsOf<{ model: number; tools: number; steps: number }>(
    await handle.db.execute(sql`
      select coalesce(sum(latency_ms) filter (where kind in ('plan', 'reflection')), 0)::float8 as model,
             coalesce(sum(latency_ms) filter (where kind = 'tool_call'), 0)::float8 as tools,
             count(*)::int as steps
      from agent_steps`),
  );
  const share = (ms: number) => `${((100 * ms) / total).toFixed(1)} %`;
  const perRun = (n: number) => (n / ids.length).toFixed(1);
  const model = Number(row?.model ?? 0);
  const tools = Number(row?.tools ?? 0);
  console.log(`throughput        ${(ids.length / seconds).toFixed(1)} tickets/s (${seconds.toFixed(1)} s)`);
  console.log(
    `run latency       p50 ${percentile(latencies, 50).toFixed(1)} ms · p95 ${percentile(latencies, 95).toFixed(1)} ms`,
  );
  console.log(`steps stored      ${row?.steps} (${perRun(Number(row?.steps))} per run)`);
  console.log(
    `statements        ${perRun(statements.all)} per run (round trips), of which chain writes ${perRun(statements.chain)}`,
  );
  const dbCpuMs =
    cpuBefore && cpuAfter
      ? [...cpuAfter].reduce((sum, [pid, ms]) => sum + ms - (cpuBefore.get(pid) ?? 0), 0)
      : null;
  console.log(
    `CPU per ticket    ${(nodeCpuMs / ids.length).toFixed(2)} ms this process` +
      (dbCpuMs === null ? "" : ` · ${(dbCpuMs / ids.length).toFixed(2)} ms PostgreSQL backends`),
  );
  // CPU time is what a ticket costs whatever else the machine runs: with every core free for this
  // process and the database, the cores' time divided by it bounds the throughput.
  const cores = availableParallelism();
  const ticketCpuMs = (nodeCpuMs + (dbCpuMs ?? 0)) / ids.length;
  console.log(
    `CPU bound         ${((cores * 1000) / ticketCpuMs).toFixed(1)} tickets/s at most on ${cores} idle cores` +
      (dbCpuMs === null ? " (this process only: the database runs elsewhere)" : ""),
  );
  console.log("time per run (summed over runs, concurrent runs overlap):");
  console.log(`  model calls (offline model + tokenizer)   ${share(model)}`);
  console.log(`  tool queries (database reads)             ${share(tools)}`);
  console.log(`  chain writes (agent_steps inserts)        ${share(writeMs)}`);
  console.log(`  database in all (reads + writes)          ${share(tools + writeMs)}`);
  // A step batch can wait behind the run's closing statement on the same connection, so the parts
  // can overlap and sum past the whole: the rest is then nothing, not a negative share.
  console.log(
    `  rest (run start/finish, verification)     ${share(Math.max(0, total - model - tools - writeMs))}`,
  );
  console.log(`load average      ${loadAfter} (after)`);
} finally {
  await handle.drop();
}
