/**
 * The review bench's decisions (scripts/bench/review.ts): reviewers in their groups press Next and
 * decide — one alone, then all at once, paced (each reads for about `thinkMs`) and saturated (back
 * to back) — and the database is checked for actions decided twice and outbox rows without a
 * decision that sends.
 */
import { setTimeout as delay } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { Reviewer } from "@/lib/review/decide";
import type { DecisionInput } from "@/lib/review/schema";
import { latency } from "./format";
import { claimNext, decideAs, decisionFor, openAction } from "./review-reviewer";
import { GROUP_COUNT, join } from "./review-views";

export const DECISION_GOAL_MS = 25;

export interface DecisionOptions {
  reviewerCount: number;
  /** Seconds of the paced phase (the saturated one takes at most 15). */
  seconds: number;
  /** Decisions at most in each phase. */
  maxDecisions: number;
  /** A reviewer's reading time per action, on average. */
  thinkMs: number;
  /** Seconds of ramp-up before decisions are timed, in each phase. */
  warmupSeconds: number;
  /** Reviews in the database before the run. */
  reviewsBefore: number;
}

export interface DecisionOutcome {
  /** How many reviewers decided together. */
  reviewers: number;
  /** The paced decisions' p95 within DECISION_GOAL_MS. */
  goalMet: boolean;
  /** An action decided twice, an outbox row out of step, a lost review or an unexpected error. */
  integrityFailed: boolean;
}

interface TeamStats {
  claimTimes: number[];
  decisionTimes: number[];
  decided: number;
  conflicts: number;
  errors: number;
  emptyQueue: number;
  errorSamples: Set<string>;
  elapsed: number;
}

/** The bench reviewers: five per group, every fifth also working the next group. */
async function createReviewers(db: Db, groups: string[], count: number): Promise<Reviewer[]> {
  const reviewers: Reviewer[] = await db
    .insert(users)
    .values(
      Array.from({ length: count }, (_, i) => ({
        email: `bench-reviewer-${i + 1}@example.test`,
        name: `Bench Reviewer ${i + 1}`,
        passwordHash: "bench",
        role: "reviewer" as const,
      })),
    )
    // A reused database has them already.
    .onConflictDoUpdate({ target: users.email, set: { name: sql`excluded.name` } })
    .returning({ id: users.id, name: users.name });
  for (const [i, reviewer] of reviewers.entries()) {
    const mine = [groups[i % GROUP_COUNT] as string];
    if (i % 5 === 0) mine.push(groups[(i + 1) % GROUP_COUNT] as string);
    await join(db, reviewer.id, mine);
  }
  return reviewers;
}

/** One reviewer alone: the time a decision takes when nothing waits in front of it. */
async function decideAlone(db: Db, solo: Reviewer): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < 200; n++) {
    const next = await claimNext(db, solo);
    if (!next) break;
    const action = await openAction(db, next.actionId);
    if (!action) continue;
    const t = performance.now();
    await decideAs(db, solo, decisionFor(action.kind, action.version, next.actionId, n));
    times.push(performance.now() - t);
  }
  return times;
}

/**
 * All reviewers at once: each presses Next, opens the action, thinks for `thinkMs` (on average;
 * 0 = deciding back to back, a saturation test) and decides. Now and then a rival decides the
 * same action at the same moment. `decisionsSoFar` varies the decisions from phase to phase.
 */
async function reviewTogether(
  db: Db,
  reviewers: Reviewer[],
  phase: { thinkMs: number; warmupSeconds: number; budgetSeconds: number; budgetDecisions: number },
  decisionsSoFar: number,
): Promise<TeamStats> {
  const { thinkMs, warmupSeconds, budgetSeconds, budgetDecisions } = phase;
  const stats: TeamStats = {
    claimTimes: [],
    decisionTimes: [],
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
      await decideAs(db, reviewer, input);
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
        const next = await claimNext(db, reviewer);
        if (t >= measureFrom) stats.claimTimes.push(performance.now() - t);
        if (!next) {
          stats.emptyQueue++;
          break;
        }
        const action = await openAction(db, next.actionId);
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
  return stats;
}

function report(label: string, stats: TeamStats, reviewers: number, warmupSeconds: number) {
  console.log(`${label}`);
  console.log(
    `  decisions       ${stats.decided} in ${stats.elapsed.toFixed(1)} s by ${reviewers} reviewers (${(stats.decided / stats.elapsed).toFixed(1)}/s)`,
  );
  console.log(
    `  decision        ${latency(stats.decisionTimes).text}, timed after a ${warmupSeconds} s ramp-up`,
  );
  console.log(`  claim (Next)    ${latency(stats.claimTimes).text}`);
  console.log(
    `  conflicts       ${stats.conflicts} (simultaneous decisions on one action, refused as they should be)`,
  );
  console.log(
    `  errors          ${stats.errors}${stats.errorSamples.size ? ` — ${[...stats.errorSamples].slice(0, 3).join(" | ")}` : ""}`,
  );
  if (stats.emptyQueue)
    console.log(`  queue ran dry   ${stats.emptyQueue} reviewers found nothing left to claim`);
}

/** What the decisions left behind: each count but `reviews` must be 0. */
async function integrity(db: Db, reviewsBefore: number) {
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
  return check;
}

/**
 * Creates the bench reviewers in `groups`, times one deciding alone and then all deciding together
 * (paced, then saturated), prints the figures and the integrity check, and returns whether the
 * decision goal was met and whether the integrity check failed. The goal's own line is review.ts's.
 */
export async function measureDecisions(
  db: Db,
  groups: string[],
  options: DecisionOptions,
): Promise<DecisionOutcome> {
  const { seconds, maxDecisions, thinkMs, warmupSeconds } = options;
  const reviewers = await createReviewers(db, groups, options.reviewerCount);
  const soloTimes = await decideAlone(db, reviewers[0] as Reviewer);
  const soloDecisions = soloTimes.length;

  // 50 people reviewing at once, each deciding about once every thinkMs: the goal's situation.
  const budget = { warmupSeconds, budgetDecisions: maxDecisions };
  const paced = await reviewTogether(
    db,
    reviewers,
    { ...budget, thinkMs, budgetSeconds: seconds },
    soloDecisions,
  );
  // The same reviewers with no time to read: how far the machine goes before decisions queue.
  const saturated = await reviewTogether(
    db,
    reviewers,
    { ...budget, thinkMs: 0, budgetSeconds: Math.min(seconds, 15) },
    soloDecisions + paced.decided,
  );
  const decided = paced.decided + saturated.decided;
  const errors = paced.errors + saturated.errors;

  const check = await integrity(db, options.reviewsBefore);
  console.log(`decision alone    ${latency(soloTimes).text} (one reviewer, nothing else running)`);
  report(
    `paced             ${reviewers.length} reviewers, each deciding about every ${thinkMs} ms`,
    paced,
    reviewers.length,
    warmupSeconds,
  );
  report(
    `saturated         ${reviewers.length} reviewers deciding back to back (no reading time)`,
    saturated,
    reviewers.length,
    warmupSeconds,
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
  const broken =
    Number(check?.doubles) + Number(check?.orphans) + Number(check?.missing) + Number(check?.versions);
  return {
    reviewers: reviewers.length,
    goalMet: latency(paced.decisionTimes).p95 <= DECISION_GOAL_MS,
    integrityFailed:
      broken > 0 ||
      errors > 0 ||
      Number(check?.reviews) !== decided + soloDecisions ||
      Number(check?.undecidedReviewed) > 0,
  };
}
