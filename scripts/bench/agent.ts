/**
 * `npm run bench:agent [-- --tickets 1000 --concurrency 8]`: drafts N tickets
 * with the offline model on real PostgreSQL and prints throughput, run
 * latency and where the time goes.
 */
import { sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { runAgent } from "@/lib/agent/run";
import { freshBenchDatabase, parseArgs, percentile } from "./db";

const args = parseArgs(process.argv.slice(2));
const target = Number(args.tickets ?? 1000);
const concurrency = Number(args.concurrency ?? 8);

const handle = await freshBenchDatabase("countersign_bench_agent");
try {
  await seedDemo(handle.db, { ticketsPerIntent: Math.ceil(target / 27) });
  const ids = (await handle.db.select({ id: tickets.id }).from(tickets)).map((t) => t.id).slice(0, target);
  console.log(`bench:agent — ${ids.length} tickets, concurrency ${concurrency}, offline model, PostgreSQL`);

  const latencies: number[] = [];
  let writeMs = 0;
  let next = 0;
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
  const model = Number(row?.model ?? 0);
  const tools = Number(row?.tools ?? 0);
  console.log(`throughput        ${(ids.length / seconds).toFixed(1)} tickets/s (${seconds.toFixed(1)} s)`);
  console.log(
    `run latency       p50 ${percentile(latencies, 50).toFixed(1)} ms · p95 ${percentile(latencies, 95).toFixed(1)} ms`,
  );
  console.log(`steps stored      ${row?.steps} (${(Number(row?.steps) / ids.length).toFixed(1)} per run)`);
  console.log("time per run (summed over runs, concurrent runs overlap):");
  console.log(`  model calls (offline model + tokenizer)   ${share(model)}`);
  console.log(`  tool queries (database reads)             ${share(tools)}`);
  console.log(`  chain writes (agent_steps inserts)        ${share(writeMs)}`);
  console.log(`  database in all (reads + writes)          ${share(tools + writeMs)}`);
  console.log(`  rest (run start/finish, verification)     ${share(total - model - tools - writeMs)}`);
} finally {
  await handle.drop();
}
