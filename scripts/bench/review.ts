/**
 * `npm run bench:review [-- --tickets 100000 --reviewers 50 --seconds 20 --decisions 5000 --think-ms 1000 --warmup-s 5 --rounds 10 --db NAME --keep --reuse --build-only]`:
 * on a fresh PostgreSQL database with a large synthetic history, routes every undecided action to
 * one of ten review groups and measures each kind of queue view (scripts/bench/review-views.ts) as
 * an admin and as reviewers in one to three groups, then many reviewers (in their groups) claiming
 * and deciding at once (scripts/bench/review-decisions.ts) — paced (each reads for about
 * `think-ms` before deciding) and saturated (back to back) — and checks that no action was
 * decided twice and that nothing reached the outbox without a decision that sends. `--keep` leaves
 * the database behind and `--reuse` measures on it again (each run decides a few thousand of its
 * 100k actions).
 */
import { availableParallelism, loadavg } from "node:os";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, migrateDatabase, openDatabase, rowsOf } from "@/db/client";
import { users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { generateBulkHistory } from "@/db/seed/bulk";
import { benchDatabaseExists, benchDatabaseUrl, freshBenchDatabase, parseArgs } from "./db";
import { goal } from "./format";
import { DECISION_GOAL_MS, measureDecisions } from "./review-decisions";
import { measureViews, routeQueue, SEARCH_GOAL_MS, VIEW_GOAL_MS, viewers } from "./review-views";

const args = parseArgs(process.argv.slice(2));
const ticketCount = Number(args.tickets ?? 100_000);
const reviewerCount = Number(args.reviewers ?? 50);
const seconds = Number(args.seconds ?? 20);
const maxDecisions = Number(args.decisions ?? 5_000);
/** Passes over each viewer's mix of queue views. */
const queueRounds = Number(args.rounds ?? 10);
/** A reviewer's reading time per action, on average (a person takes far longer: this is a busy team). */
const thinkMs = Number(args["think-ms"] ?? 1000);
/** Seconds of ramp-up before decisions are timed, in each phase. */
const warmupSeconds = Number(args["warmup-s"] ?? 5);
const SLA_MINUTES = 240;

/** `--db NAME`: a database of one's own on a shared server (default countersign_bench_review). */
const DB_NAME = args.db || "countersign_bench_review";
if (!/^[a-z_][a-z0-9_]*$/.test(DB_NAME)) throw new Error("--db takes a lower-case database name");

/** Seeds a fresh database with the bulk history, or (`--reuse`) opens the one a `--keep` run left. */
async function prepare(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void>; history: string }> {
  if (process.argv.includes("--reuse") && (await benchDatabaseExists(DB_NAME))) {
    const handle = await openDatabase({ kind: "postgres", url: benchDatabaseUrl(DB_NAME), max: 20 });
    // A kept database gets the indexes added since it was built.
    await migrateDatabase(handle);
    // Earlier runs' claims and decisions left dead rows at the head of the queue: vacuum them, as
    // autovacuum would have by now and as a fresh build is, so every run starts from the same state.
    await handle.db.execute(sql`vacuum (analyze) tickets, agent_actions, reviews, outbox, audit_log`);
    // And the pages it wrote go to disk now rather than during the measurements.
    await handle.db.execute(sql`checkpoint`).catch(() => undefined);
    const [row] = rowsOf<{ tickets: number; pending: number }>(
      await handle.db.execute(sql`
        select (select count(*)::int from tickets) as tickets,
               (select count(*)::int from agent_actions where status in ('pending_review', 'blocked')) as pending`),
    );
    return {
      handle,
      drop: handle.close,
      history: `reusing ${DB_NAME}: ${row?.tickets} tickets, ${row?.pending} actions still undecided`,
    };
  }
  const fresh = await freshBenchDatabase(DB_NAME);
  const db = fresh.db;
  await seedDemo(db);
  let started = performance.now();
  const bulk = await generateBulkHistory(db, { tickets: ticketCount, stepsPerRun: 10 });
  const bulkSeconds = (performance.now() - started) / 1000;
  // A history this size has been through autovacuum in real life: vacuum now, so the measurements
  // below neither race an autovacuum of a million fresh agent_steps nor read an empty visibility map.
  started = performance.now();
  await db.execute(sql`vacuum (analyze) tickets, agent_runs, agent_steps, agent_actions`);
  // Likewise its pages are long written out: without a checkpoint now, the first minute of
  // decisions would share the disk with flushing the gigabyte just loaded.
  await db.execute(sql`checkpoint`).catch((error: unknown) => {
    console.log(
      `checkpoint        skipped (${error instanceof Error ? error.message : error}): figures may include one`,
    );
  });
  const vacuumSeconds = (performance.now() - started) / 1000;
  return {
    handle: fresh,
    drop: process.argv.includes("--keep") ? fresh.close : fresh.drop,
    history: `${bulk.tickets} tickets · ${bulk.runs} runs · ${bulk.steps} steps · ${bulk.actions} actions in ${bulkSeconds.toFixed(1)} s (then vacuum ${vacuumSeconds.toFixed(1)} s)`,
  };
}

const { handle, drop, history } = await prepare();
if (process.argv.includes("--build-only")) {
  // `--build-only --keep`: build the history once, measure later with --reuse.
  console.log(`bulk history      ${history}`);
  await drop();
  process.exit(0);
}
try {
  const db = handle.db;
  console.log(`bench:review — ${ticketCount} tickets, ${reviewerCount} reviewers, PostgreSQL`);
  // Everything here shares the CPUs with PostgreSQL: a busy machine inflates every figure below.
  const load = () => `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs`;
  console.log(`machine           ${load()} (before)`);
  console.log(`bulk history      ${history}`);
  const [before] = rowsOf<{ reviews: number }>(
    await db.execute(sql`select count(*)::int as reviews from reviews`),
  );
  const reviewsBefore = Number(before?.reviews ?? 0);

  const [viewer] = await db.select({ id: users.id, name: users.name, role: users.role }).from(users).limit(1);
  if (!viewer) throw new Error("seedDemo created no user");

  // ------------------------------------------------------------------------------------------
  // (a) Queue views, routed to ten review groups: as an admin (every group, like routing off) and
  // as reviewers in one, two and three groups.

  const groups = await routeQueue(db);
  console.log(`queue views       ${queueRounds} rounds of each view, p50/p95 per view and viewer`);
  const viewsMet = await measureViews(db, await viewers(db, groups), queueRounds, SLA_MINUTES);
  console.log(`  load average    ${load()}`);

  // ------------------------------------------------------------------------------------------
  // (b) Reviewers pressing Next and deciding, all at once.

  const decisions = await measureDecisions(db, groups, {
    reviewerCount,
    seconds,
    maxDecisions,
    thinkMs,
    warmupSeconds,
    reviewsBefore,
  });
  console.log(`machine           ${load()} (after)`);
  console.log(
    `queue view goals  every view p95 <= ${VIEW_GOAL_MS} ms, text search p95 <= ${SEARCH_GOAL_MS} ms: ${viewsMet ? "met" : "MISSED (see above)"}`,
  );
  console.log(
    `decision goal     p95 <= ${DECISION_GOAL_MS} ms with ${decisions.reviewers} reviewers at work (paced): ${goal(decisions.goalMet)}`,
  );
  if (decisions.integrityFailed) {
    console.error("INTEGRITY CHECK FAILED: see the lines above.");
    process.exitCode = 1;
  }
} finally {
  await drop();
  if (process.argv.includes("--keep") || process.argv.includes("--reuse"))
    console.log(`kept ${DB_NAME}: run again with --reuse, drop it with dropdb ${DB_NAME}`);
}
