import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { type AmplifySource, type CloneBatch, cloneRounds } from "./amplify-clone";

export interface AmplifyOptions {
  /** Clone until the database holds at least this many reviews (in all, not added). */
  reviews: number;
  /**
   * Clone each run's decision chain too (default true). A chain is ~14 steps and ~10 kB, so
   * 1M reviews with chains is ~13M steps and ~10 GB; exports do not read steps.
   */
  steps?: boolean;
  /** The end of the 30-day window the clones are spread over (default: now). */
  now?: Date;
  /** Reviews cloned per transaction (default 100,000). */
  batchReviews?: number;
  /**
   * Transactions run side by side (default 2: PostgreSQL uses a core for each; on PGlite, which
   * runs one statement at a time, they simply take turns).
   */
  concurrency?: number;
  onProgress?: (progress: { reviews: number; target: number }) => void;
  /**
   * Clone only decided demo tickets triaged as this intent whose every review approved a reply
   * as proposed: the evidence that puts one category within reach of autopilot.
   */
  approvedRepliesOf?: string;
}

export interface AmplifySummary {
  tickets: number;
  runs: number;
  steps: number;
  actions: number;
  reviews: number;
  /** Reviews in the database afterwards. */
  totalReviews: number;
}

/**
 * Grows the demo history to `reviews` reviews by cloning the decided demo
 * tickets (not earlier clones) with everything that hangs off them: runs,
 * steps (unless `steps: false`), actions and reviews. Clone round r of ticket
 * `bitext-42` is `bitext-42~r`; its ids are derived from (source id, r) (see
 * cloneId), so no mapping table is needed and a later call continues with the
 * next round. Each clone
 * keeps its source's shape (model, policy, decisions, delays) and is moved to
 * a pseudo-random time in the 30 days before `now`, its whole history
 * included, so nothing lands in the future. Deliveries and audit entries are
 * not cloned. All set-based SQL (insert ... select over generate_series), one
 * transaction per batch, then ANALYZE. Clones are demo rows.
 *
 * Stops at N exactly in practice: the last round takes single-review tickets
 * first, so it can overshoot only by one ticket's extra reviews.
 */
export async function amplifyHistory(db: Db, options: AmplifyOptions): Promise<AmplifySummary> {
  const target = Math.floor(options.reviews);
  if (!Number.isFinite(target) || target < 0) throw new Error("reviews must be a non-negative number");
  const withSteps = options.steps ?? true;
  const now = (options.now ?? new Date()).toISOString();
  const batchReviews = Math.max(1, Math.floor(options.batchReviews ?? 100_000));
  const summary: AmplifySummary = { tickets: 0, runs: 0, steps: 0, actions: 0, reviews: 0, totalReviews: 0 };

  const [state] = rowsOf<{ reviews: number; lastRound: number }>(
    await db.execute(sql`
      select (select count(*) from reviews)::int as reviews,
             (select coalesce(max(substring(external_id from '~([0-9]+)$')::int), 0) from tickets
               where demo and external_id ~ '~[0-9]+$')::int as "lastRound"`),
  );
  // The sources, once: decided demo tickets that are not clones, single-review ones first (so the
  // last round can stop exactly), with how long each one's history lasts.
  const sources = rowsOf<AmplifySource>(
    await db.execute(sql`
      with src as (
        select t.id, t.created_at, count(v.id)::int as n_reviews,
               extract(epoch from greatest(
                 max(v.created_at),
                 (select max(coalesce(r.ended_at, r.started_at)) from agent_runs r where r.ticket_id = t.id))
                 - t.created_at)::float8 as span
        from tickets t join reviews v on v.ticket_id = t.id
        where t.demo and t.external_id !~ '~[0-9]+$'
          ${options.approvedRepliesOf ? sql`and t.triage_intent = ${options.approvedRepliesOf}` : sql``}
        group by t.id
        ${
          options.approvedRepliesOf
            ? sql`having bool_and(v.decision = 'approve' and v.action_kind = 'reply')`
            : sql``
        }
      )
      select id, created_at as "createdAt", n_reviews as reviews, span,
             (sum(n_reviews) over (order by n_reviews, id) - n_reviews)::int as before
      from src order by n_reviews, id`),
  );
  let total = Number(state?.reviews ?? 0);
  const perRound = sources.reduce((sum, s) => sum + Number(s.reviews), 0);
  let round = Number(state?.lastRound ?? 0) + 1;
  summary.totalReviews = total;
  if (total >= target) return summary;
  if (perRound === 0) {
    throw new Error(
      "amplifyHistory needs a decided demo history to clone: seed the demo and run buildDemoHistory first " +
        "(npm start does both on an empty database).",
    );
  }
  const context = { sourceJson: JSON.stringify(sources), perRound, now, withSteps };

  // The batches, planned up front: each knows its rounds and how many reviews it may add, so
  // batches are independent and `concurrency` of them run side by side.
  const batches: CloneBatch[] = [];
  const roundsPerBatch = Math.max(1, Math.floor(batchReviews / perRound));
  for (let planned = 0; planned < target - total; ) {
    const remaining = target - total - planned;
    const rounds = Math.min(Math.ceil(remaining / perRound), roundsPerBatch);
    batches.push({ round, rounds, remaining });
    round += rounds;
    planned += rounds * perRound;
  }
  const cloneBatch = async (batch: CloneBatch) => {
    const added = await db.transaction((tx) => cloneRounds(tx, context, batch));
    summary.tickets += added.tickets;
    summary.runs += added.runs;
    summary.steps += added.steps;
    summary.actions += added.actions;
    summary.reviews += added.reviews;
    total += added.reviews;
    options.onProgress?.({ reviews: total, target });
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.floor(options.concurrency ?? 2)) }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        if (batch) await cloneBatch(batch);
      }
    }),
  );
  await db.execute(sql`analyze tickets, agent_runs, agent_steps, agent_actions, reviews`);
  summary.totalReviews = total;
  return summary;
}
