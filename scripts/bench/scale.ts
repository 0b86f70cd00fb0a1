/**
 * `npm run bench:scale [-- --tickets 2000 --concurrency 8 --port 3140]`: two `next start` instances
 * and two `npm run worker` processes on one fresh PostgreSQL database. Tickets are ingested through
 * both instances' API, drafted by the workers (first half by one worker, second half by two), decided
 * through both instances and delivered to a webhook receiver on loopback. Fails unless every ticket
 * was drafted exactly once, every approved message arrived exactly once per idempotency key and
 * nothing is left stuck. Needs a production build (`npm run build`).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { DEMO_PASSWORD, seedDemo } from "@/db/seed";
import { createApiKey } from "@/lib/auth/api-keys";
import { benchDatabaseUrl, freshBenchDatabase, parseArgs } from "./db";
import {
  bin,
  type Managed,
  signIn,
  startProcess,
  startReceiver,
  stopProcess,
  waitForLine,
  waitUntil,
} from "./scale-cluster";
import {
  countDrafted,
  decideAll,
  findProblems,
  ingestAll,
  outboxProgress,
  type TicketTemplate,
  templates,
} from "./scale-steps";

const args = parseArgs(process.argv.slice(2));
const total = Number(args.tickets ?? 2000);
const concurrency = Number(args.concurrency ?? 8);
const basePort = Number(args.port ?? 3140);
if (!Number.isInteger(total) || total < 2 || !Number.isInteger(basePort)) {
  console.error("Usage: npm run bench:scale -- [--tickets 2000] [--concurrency 8] [--port 3140]");
  process.exit(2);
}
if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
  console.error("bench:scale serves the production build: run `npm run build` first.");
  process.exit(2);
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const rate = (n: number, ms: number) => (ms > 0 ? (n / (ms / 1000)).toFixed(1) : "n/a");
// Generous but bounded: the machine may be shared and slow.
const startupMs = 180_000;
const perTicketMs = 2_000;

const run = randomBytes(4).toString("hex");
const dbName = `cs_scale_${run}`;
const secret = randomBytes(24).toString("base64url");
const webhookSecret = randomBytes(24).toString("base64url");
const started = performance.now();
console.log(
  `bench:scale — ${total} tickets, 2 instances, 2 workers, database ${dbName}; load average ${load()}`,
);

const processes: Managed[] = [];
const handle = await freshBenchDatabase(dbName);
const receiver = await startReceiver(basePort + 2, webhookSecret);
let failed = false;
let cleaning: Promise<void> | undefined;
// Always: every process stopped by its id, the receiver closed, the database dropped.
const cleanup = () => {
  cleaning ??= (async () => {
    await Promise.all(processes.map((p) => stopProcess(p)));
    await receiver.close();
    await handle.drop();
  })();
  return cleaning;
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the processes and dropping ${dbName}.`);
    void cleanup().finally(() => process.exit(130));
  });
}
try {
  await seedDemo(handle.db, { ticketsPerIntent: 1 });
  const key = await createApiKey(handle.db, {
    name: "bench:scale",
    scopes: ["tickets:ingest", "tickets:read"],
  });
  const shapes: TicketTemplate[] = await templates(handle.db);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: benchDatabaseUrl(dbName),
    AUTH_SECRET: secret,
    AGENT_MODEL: "offline",
    APP_QUEUE_WORK: "off",
    DELIVERY_CHANNEL: "webhook",
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: webhookSecret,
    INGEST_RATE_LIMIT_PER_MINUTE: "1000000",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const bases = [0, 1].map((i) => `http://127.0.0.1:${basePort + i}`);
  for (const [i, base] of bases.entries()) {
    const port = String(basePort + i);
    processes.push(
      startProcess(`instance ${base}`, bin("next"), ["start", "-p", port], { ...env, PORT: port }),
    );
  }
  const worker = (n: number) => startProcess(`worker ${n}`, "npm", ["run", "--silent", "worker"], env);
  const workerReady = /Worker started/;
  for (const base of bases) {
    await waitUntil(
      `${base}/api/health`,
      async () => (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5_000) })).ok,
      startupMs,
    );
  }
  console.log(`Instances ready at ${bases.join(" and ")} after ${seconds(performance.now() - started)} s.`);

  // Phase 1: half the tickets, queued while no worker runs, drafted by one worker.
  const half = Math.floor(total / 2);
  const ingest1 = await ingestAll(bases, key.key, shapes, run, 0, half, concurrency);
  console.log(
    `Ingested ${half} tickets through both instances in ${seconds(ingest1)} s (${rate(half, ingest1)}/s).`,
  );
  const first = worker(1);
  processes.push(first);
  const phase1Start = await waitForLine(first, workerReady, startupMs);
  const phase1Count = half - (await countDrafted(handle.db, run));
  await waitUntil(
    "one worker to draft the first half",
    async () => (await countDrafted(handle.db, run)) >= half,
    half * perTicketMs + startupMs,
    100,
  );
  const phase1Ms = performance.now() - phase1Start;
  await stopProcess(first);

  // Phase 2: the other half, drafted by two workers.
  const ingest2 = await ingestAll(bases, key.key, shapes, run, half, total, concurrency);
  console.log(`Ingested ${total - half} more in ${seconds(ingest2)} s (${rate(total - half, ingest2)}/s).`);
  const pair = [worker(2), worker(3)];
  processes.push(...pair);
  await Promise.all(pair.map((w) => waitForLine(w, workerReady, startupMs)));
  const phase2Start = performance.now();
  const draftedAtStart = (await countDrafted(handle.db, run)) - half;
  await waitUntil(
    "two workers to draft the second half",
    async () => (await countDrafted(handle.db, run)) >= total,
    (total - half) * perTicketMs + startupMs,
    100,
  );
  const phase2Ms = performance.now() - phase2Start;
  const phase2Count = total - half - draftedAtStart;

  // Decisions through both instances, signed in as the demo reviewer on each.
  const cookies = await Promise.all(bases.map((base) => signIn(base, "reviewer@example.com", DEMO_PASSWORD)));
  const decided = await decideAll(handle.db, run, bases, cookies, concurrency);
  console.log(
    `Decided ${decided.approved + decided.rejected} actions (${decided.approved} approved, ${decided.rejected} rejected) ` +
      `through both instances in ${seconds(decided.ms)} s (${rate(decided.approved + decided.rejected, decided.ms)}/s).`,
  );
  const deliveredStart = performance.now();
  await waitUntil(
    "every approved message to reach the webhook",
    async () => {
      const { rows, owed } = await outboxProgress(handle.db, run);
      return owed === 0 && receiver.counts.size >= rows;
    },
    decided.approved * 200 + 120_000,
  );
  // A second delivery of the same key would arrive late: give the queue a moment to show one.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  console.log(
    `Delivered ${receiver.counts.size} messages in ${seconds(performance.now() - deliveredStart)} s after the last decision (8 s undo window included).`,
  );

  const problems = await findProblems(handle.db, run, total, receiver);
  console.log("");
  console.log(
    `Drafting with 1 worker:  ${rate(phase1Count, phase1Ms)} tickets/s (${phase1Count} tickets in ${seconds(phase1Ms)} s)`,
  );
  console.log(
    `Drafting with 2 workers: ${rate(phase2Count, phase2Ms)} tickets/s (${phase2Count} tickets in ${seconds(phase2Ms)} s; ${draftedAtStart} drafted while the second started)`,
  );
  console.log(
    `Ratio 2 workers / 1 worker: ${(phase2Count / phase2Ms / (phase1Count / phase1Ms)).toFixed(2)}`,
  );
  console.log(
    `Total time ${seconds(performance.now() - started)} s; load average ${load()} (1, 5, 15 min) on ${availableParallelism()} cores.`,
  );
  if (problems.length > 0) {
    failed = true;
    console.error(`\nFAILED:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  } else {
    console.log(
      `OK: ${total} tickets drafted exactly once each, ${decided.approved} approved messages delivered exactly once per idempotency key, nothing stuck.`,
    );
  }
} catch (error) {
  failed = true;
  console.error(`\nFAILED: ${error instanceof Error ? error.message : String(error)}`);
  for (const p of processes)
    if (p.tail.length > 0) console.error(`--- last lines of ${p.name}:\n${p.tail.join("\n")}`);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
