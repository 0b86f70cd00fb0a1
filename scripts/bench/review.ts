/**
 * `npm run bench:review [-- --tickets 100000 --reviewers 50 --seconds 20 --decisions 5000 --think-ms 1000 --warmup-s 5 --rounds 10 --db NAME --keep --reuse --build-only]`:
 * on a fresh PostgreSQL database with a large synthetic history, routes every undecided action to
 * one of ten review groups and measures each kind of queue view (scripts/bench/review-views.ts) as
 * an admin and as reviewers in one to three groups, then many reviewers (in their groups) claiming and deciding at once — paced (each reads for about
 * `think-ms` before deciding) and saturated (back to back) — and checks that no action was
 * decided twice and that nothing reached the outbox without a decision that sends. `--keep` leaves
 * the database behind and `--reuse` measures on it again (each run decides a few thousand of its
 * 100k actions).
 */
import { availableParallelism, loadavg } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, migrateDatabase, openDatabase, rowsOf } from "@/db/client";
import { users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { generateBulkHistory } from "@/db/seed/bulk";
import { AppError } from "@/lib/errors";
import { claimNextAction } from "@/lib/review/claims";
import { decideAction, type Reviewer } from "@/lib/review/decide";
import { type DecisionInput, decisionSchema } from "@/lib/review/schema";
import { queueScope } from "@/lib/routing/scope";
import { benchDatabaseExists, benchDatabaseUrl, freshBenchDatabase, parseArgs, percentile } from "./db";
import {
  GROUP_COUNT,
  join,
  measureViews,
  routeQueue,
  SEARCH_GOAL_MS,
  VIEW_GOAL_MS,
  viewers,
} from "./review-views";

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
const LEASE_MS = 10 * 60_000;
const DECISION_GOAL_MS = 25;

const ms = (n: number) => `${n.toFixed(1)} ms`;
const goal = (value: number, limit: number) => (value <= limit ? "met" : "MISSED");
function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))} · p95 ${ms(percentile(sorted, 95))} · max ${ms(sorted.at(-1) ?? 0)} (n=${sorted.length})`;
}

/** `--db NAME`: a database of one's own on a shared server (default countersign_bench_review). */
const DB_NAME = args.db || "countersign_bench_review";
if (!/^[a-z_][a-z0-9_]*$/.test(DB_NAME)) throw new Error("--db takes a lower-case database name");

/** Seeds a fresh database with the bulk history, or (`--reuse`) opens the one a `--keep` run left. */
async function prepare(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void>; history: string }> {
  if (process.argv.includes("--reuse") && (await benchDatabaseExists(DB_NAME))) {
    const handle = await openDatabase({ kind: "postgres", url: benchDatabaseUrl(DB_NAME), max: 20 });
    // A kept database gets the indexes added since it was built.
    await migrateDatabase(handle);
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

  const reviewers: Reviewer[] = await db
    .insert(users)
    .values(
      Array.from({ length: reviewerCount }, (_, i) => ({
        email: `bench-reviewer-${i + 1}@example.test`,
        name: `Bench Reviewer ${i + 1}`,
        passwordHash: "bench",
        role: "reviewer" as const,
      })),
    )
    // A reused database has them already.
    .onConflictDoUpdate({ target: users.email, set: { name: sql`excluded.name` } })
    .returning({ id: users.id, name: users.name });
  // Five reviewers per group; every fifth also works the next group.
  for (const [i, reviewer] of reviewers.entries()) {
    const mine = [groups[i % GROUP_COUNT] as string];
    if (i % 5 === 0) mine.push(groups[(i + 1) % GROUP_COUNT] as string);
    await join(db, reviewer.id, mine);
  }
  /** Next as the app presses it: the reviewer's groups, then the claim. */
  const claimNext = async (reviewer: Reviewer) =>
    claimNextAction(
      db,
      reviewer.id,
      LEASE_MS,
      [],
      await queueScope(db, { id: reviewer.id, role: "reviewer" }),
    );

  function decisionFor(kind: string, version: number, actionId: string, n: number): DecisionInput {
    const base = { actionId, version, rating: 1 + (n % 5) };
    const roll = n % 20;
    if (kind === "refund") {
      return decisionSchema.parse(
        roll < 14
          ? { ...base, decision: "escalate", team: "billing", reason: "Refunds are for billing." }
          : { ...base, decision: "reject", reason: "No refund is due.", reasonTags: ["wrong_policy"] },
      );
    }
    if (roll < 14) return decisionSchema.parse({ ...base, decision: "approve" });
    if (roll < 16 && kind === "reply") {
      return decisionSchema.parse({
        ...base,
        decision: "edit",
        finalText: `Hello,\nThanks for your patience: this is reviewer ${n}'s edit.\nBest regards`,
        reasonTags: ["tone"],
      });
    }
    if (roll < 18) {
      return decisionSchema.parse({
        ...base,
        decision: "reject",
        reason: "Not accurate.",
        reasonTags: ["incomplete"],
      });
    }
    return decisionSchema.parse({
      ...base,
      decision: "escalate",
      team: "support",
      reason: "Needs a person.",
    });
  }

  /**
   * A decision as a reviewer makes it: when the policy refuses the escalation's team (it sends
   * this ticket elsewhere), the reviewer escalates to the team it names, or else rejects.
   */
  async function decideAs(reviewer: Reviewer, input: DecisionInput): Promise<void> {
    let attempt = input;
    for (let tries = 0; ; tries++) {
      try {
        await decideAction(db, reviewer, attempt);
        return;
      } catch (error) {
        // Approving an escalation the policy now sends to another team is refused the same way.
        const refused =
          error instanceof AppError && error.type === "bad_request" && attempt.decision !== "reject";
        if (!refused || tries > 1) throw error;
        const team = /sends this ticket to (\w+)[ ,.]/.exec(error.message)?.[1];
        attempt = decisionSchema.parse(
          team && tries === 0 && attempt.decision === "escalate"
            ? { ...attempt, team }
            : {
                actionId: input.actionId,
                version: input.version,
                decision: "reject",
                reason: "Sent elsewhere.",
                reasonTags: ["wrong_policy"],
              },
        );
      }
    }
  }

  // One reviewer alone first: the time a decision takes when nothing waits in front of it.
  const soloTimes: number[] = [];
  const solo = reviewers[0] as Reviewer;
  for (let n = 0; n < 200; n++) {
    const next = await claimNext(solo);
    if (!next) break;
    const [action] = rowsOf<{ kind: string; version: number }>(
      await db.execute(sql`select kind, version from agent_actions where id = ${next.actionId}::uuid`),
    );
    if (!action) continue;
    const t = performance.now();
    await decideAs(solo, decisionFor(action.kind, action.version, next.actionId, n));
    soloTimes.push(performance.now() - t);
  }
  const soloDecisions = soloTimes.length;

  let decisionsSoFar = soloDecisions;
  /**
   * All reviewers at once: each presses Next, opens the action, thinks for `thinkMs` (on average;
   * 0 = deciding back to back, a saturation test) and decides. Now and then a rival decides the
   * same action at the same moment.
   */
  async function reviewTogether(thinkMs: number, budgetSeconds: number, budgetDecisions: number) {
    const stats = {
      claimTimes: [] as number[],
      decisionTimes: [] as number[],
      decided: 0,
      conflicts: 0,
      errors: 0,
      emptyQueue: 0,
      errorSamples: new Set<string>(),
      elapsed: 0,
    };
    // The first seconds are a ramp-up: every reviewer arrives at once and each pooled connection
    // loads its caches. They are run, checked and counted, but not timed.
    const measureFrom = performance.now() + warmupSeconds * 1000;
    const deadline = measureFrom + budgetSeconds * 1000;
    const keepGoing = () => performance.now() < deadline && stats.decided < budgetDecisions;

    async function decide(reviewer: Reviewer, input: DecisionInput): Promise<void> {
      const t = performance.now();
      try {
        await decideAs(reviewer, input);
        if (t >= measureFrom) stats.decisionTimes.push(performance.now() - t);
        stats.decided++;
      } catch (error) {
        if (error instanceof AppError && error.type === "conflict") stats.conflicts++;
        else {
          stats.errors++;
          stats.errorSamples.add(error instanceof Error ? error.message : String(error));
        }
      }
    }

    const started = performance.now();
    await Promise.all(
      reviewers.map(async (reviewer, index) => {
        const rival = reviewers[(index + 1) % reviewers.length] as Reviewer;
        let n = index + decisionsSoFar;
        // Reviewers start their day at different moments, not on one clock tick.
        if (thinkMs > 0) await delay(Math.random() * thinkMs);
        while (keepGoing()) {
          n += reviewers.length;
          const t = performance.now();
          const next = await claimNext(reviewer);
          if (t >= measureFrom) stats.claimTimes.push(performance.now() - t);
          if (!next) {
            stats.emptyQueue++;
            break;
          }
          // Opening the action: what the page loads before the reviewer decides.
          const [action] = rowsOf<{ kind: string; version: number }>(
            await db.execute(sql`select kind, version from agent_actions where id = ${next.actionId}::uuid`),
          );
          if (!action) continue;
          // Reading the ticket and the draft: between half and one and a half times thinkMs.
          if (thinkMs > 0) await delay(thinkMs * (0.5 + Math.random()));
          const mine = decisionFor(action.kind, action.version, next.actionId, n);
          if (n % 25 === 0) {
            // A second reviewer decides the same action at the same moment (a stale tab, a shared
            // link): exactly one of the two may win.
            const theirs = decisionFor(action.kind, action.version, next.actionId, n + 7);
            await Promise.all([decide(reviewer, mine), decide(rival, theirs)]);
          } else {
            await decide(reviewer, mine);
          }
        }
      }),
    );
    stats.elapsed = (performance.now() - started) / 1000;
    decisionsSoFar += stats.decided;
    return stats;
  }

  function report(label: string, stats: Awaited<ReturnType<typeof reviewTogether>>) {
    console.log(`${label}`);
    console.log(
      `  decisions       ${stats.decided} in ${stats.elapsed.toFixed(1)} s by ${reviewers.length} reviewers (${(stats.decided / stats.elapsed).toFixed(1)}/s)`,
    );
    console.log(
      `  decision        ${summary(stats.decisionTimes)}, timed after a ${warmupSeconds} s ramp-up`,
    );
    console.log(`  claim (Next)    ${summary(stats.claimTimes)}`);
    console.log(
      `  conflicts       ${stats.conflicts} (simultaneous decisions on one action, refused as they should be)`,
    );
    console.log(
      `  errors          ${stats.errors}${stats.errorSamples.size ? ` — ${[...stats.errorSamples].slice(0, 3).join(" | ")}` : ""}`,
    );
    if (stats.emptyQueue)
      console.log(`  queue ran dry   ${stats.emptyQueue} reviewers found nothing left to claim`);
  }

  // 50 people reviewing at once, each deciding about once every thinkMs: the goal's situation.
  const paced = await reviewTogether(thinkMs, seconds, maxDecisions);
  // The same reviewers with no time to read: how far the machine goes before decisions queue.
  const saturated = await reviewTogether(0, Math.min(seconds, 15), maxDecisions);
  const decided = paced.decided + saturated.decided;
  const errors = paced.errors + saturated.errors;

  const [check] = rowsOf<{
    doubles: number;
    orphans: number;
    missing: number;
    versions: number;
    reviews: number;
    undecidedReviewed: number;
  }>(
    await db.execute(sql`
      select
        (select count(*)::int from (select action_id from reviews group by action_id having count(*) > 1) d) as doubles,
        (select count(*)::int from outbox o where not exists (
           select 1 from reviews r where r.action_id = o.action_id and r.decision in ('approve', 'edit', 'escalate'))) as orphans,
        (select count(*)::int from reviews r where r.decision in ('approve', 'edit', 'escalate')
           and not exists (select 1 from outbox o where o.action_id = r.action_id)) as missing,
        (select count(*)::int from agent_actions a join reviews r on r.action_id = a.id where a.version <> 2) as versions,
        (select count(*)::int from reviews) - ${reviewsBefore}::int as reviews,
        (select count(*)::int from agent_actions a join reviews r on r.action_id = a.id
           where a.status in ('pending_review', 'blocked')) as "undecidedReviewed"`),
  );
  const decisionSorted = [...paced.decisionTimes].sort((a, b) => a - b);
  console.log(`decision alone    ${summary(soloTimes)} (one reviewer, nothing else running)`);
  report(`paced             ${reviewers.length} reviewers, each deciding about every ${thinkMs} ms`, paced);
  report(
    `saturated         ${reviewers.length} reviewers deciding back to back (no reading time)`,
    saturated,
  );
  console.log(
    `reviews stored    ${check?.reviews} by this run (decisions that won: ${decided + soloDecisions})`,
  );
  console.log(`double decisions  ${check?.doubles} (actions with more than one review; must be 0)`);
  console.log(
    `outbox orphans    ${check?.orphans} (outbox rows without an approve/edit/escalate review; must be 0)`,
  );
  console.log(
    `outbox missing    ${check?.missing} (approve/edit/escalate reviews without an outbox row; must be 0)`,
  );
  console.log(
    `version drift     ${check?.versions} (decided actions whose version moved other than once; must be 0)`,
  );
  console.log(`machine           ${load()} (after)`);
  console.log(
    `queue view goals  every view p95 <= ${VIEW_GOAL_MS} ms, text search p95 <= ${SEARCH_GOAL_MS} ms: ${viewsMet ? "met" : "MISSED (see above)"}`,
  );
  console.log(
    `decision goal     p95 <= ${DECISION_GOAL_MS} ms with ${reviewers.length} reviewers at work (paced): ${goal(percentile(decisionSorted, 95), DECISION_GOAL_MS)}`,
  );
  const broken =
    Number(check?.doubles) + Number(check?.orphans) + Number(check?.missing) + Number(check?.versions) > 0 ||
    errors > 0 ||
    Number(check?.reviews) !== decided + soloDecisions ||
    Number(check?.undecidedReviewed) > 0;
  if (broken) {
    console.error("INTEGRITY CHECK FAILED: see the lines above.");
    process.exitCode = 1;
  }
} finally {
  await drop();
  if (process.argv.includes("--keep") || process.argv.includes("--reuse"))
    console.log(`kept ${DB_NAME}: run again with --reuse, drop it with dropdb ${DB_NAME}`);
}
