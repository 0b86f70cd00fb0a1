import { and, asc, eq, inArray, notExists, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { agentActions, agentRuns, agentSteps, tickets, users } from "@/db/schema";
import { failedCheckSql, GROUNDING_CHECKS } from "@/lib/agent/chain";
import { runAgent } from "@/lib/agent/run";
import type { EscalationPayload, ReplyPayload } from "@/lib/agent/types";
import { decideAction, type Reviewer } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { backdate } from "./backdate";
import { type DemoDecision, decisionOrder, demoDecision } from "./decisions";
import { assignFates } from "./fates";
import { buildDemoSecondReviews } from "./second-reviews";
import { hash, MINUTE_MS, pendingAgeMs, reviewDelayMs, runDelayMs } from "./timing";

export { type AmplifyOptions, type AmplifySummary, amplifyHistory } from "./amplify";
export { assignFates } from "./fates";

export interface DemoHistoryOptions {
  /** The end of the history (default: now). Every timestamp written is at or before it. */
  now?: Date;
  /** Who the decisions are attributed to (default: every account, in e-mail order). */
  reviewerIds?: string[];
  /** How many of the newest demo tickets are left undrafted, for "Draft all new" (default 60). */
  leaveNew?: number;
  /** How many of the newest are drafted but left undecided: the review queue's backlog (default 60). */
  leavePending?: number;
}

export interface DemoHistorySummary {
  drafted: number;
  /** Tickets whose proposed actions were all decided. */
  decided: number;
  reviews: number;
  /** Tickets drafted and left waiting for review. */
  pending: number;
  /** Tickets left new. */
  undrafted: number;
  /** Runs that failed (their tickets went back to new). */
  failedRuns: number;
}

/**
 * Builds the demo's decided history: the agent (whatever model is configured;
 * the offline one by default) really drafts the seeded tickets, and each
 * proposed action is decided through decideAction (review, ticket status,
 * outbox, audit in one transaction) with a decision derived from Bitext's
 * reference reply and intent label (lib/demo/decisions.ts). Then every
 * timestamp is moved back to where it belongs: runs a few minutes after their
 * ticket arrived (the seed spreads tickets over the past 30 days), decisions
 * minutes to hours after the draft, deliveries recorded as sent.
 *
 * `leaveNew` tickets stay new and `leavePending` are drafted but left waiting
 * for review, taken from the newest (see assignFates); the rest are decided.
 * Once any demo run exists the history counts as built and a call does
 * nothing. Everything written is marked demo (tickets, runs, reviews) for
 * `npm run demo:remove`.
 *
 * The history's runs lose their decision-cache key: a cache hit replays a
 * decision, and drafting a demo ticket again should show the agent at work,
 * not a backdated run's result.
 */
export async function buildDemoHistory(
  db: Db,
  options: DemoHistoryOptions = {},
): Promise<DemoHistorySummary> {
  const now = options.now ?? new Date();
  const leaveNew = options.leaveNew ?? 60;
  const leavePending = options.leavePending ?? 60;

  const reviewers = await loadReviewers(db, options.reviewerIds);
  const [built] = await db
    .select({ id: agentRuns.id })
    .from(agentRuns)
    .where(eq(agentRuns.demo, true))
    .limit(1);
  if (built) return { drafted: 0, decided: 0, reviews: 0, pending: 0, undrafted: 0, failedRuns: 0 };
  const candidates = await db
    .select({
      id: tickets.id,
      externalId: tickets.externalId,
      createdAt: tickets.createdAt,
      intent: tickets.intent,
      metadata: tickets.metadata,
    })
    .from(tickets)
    .where(
      and(
        eq(tickets.demo, true),
        eq(tickets.status, "new"),
        notExists(db.select({ one: sql`1` }).from(agentRuns).where(eq(agentRuns.ticketId, tickets.id))),
      ),
    )
    .orderBy(asc(tickets.createdAt), asc(tickets.id));

  const fates = assignFates(candidates.length, leaveNew, leavePending);
  const summary: DemoHistorySummary = {
    drafted: 0,
    decided: 0,
    reviews: 0,
    pending: 0,
    undrafted: fates.filter((f) => f === "new").length,
    failedRuns: 0,
  };

  const runStarts: { id: string; start: string }[] = [];
  const arrivals: { id: string; at: string }[] = [];
  const reviewDelays: { id: string; delay: number }[] = [];
  for (const [index, ticket] of candidates.entries()) {
    const fate = fates[index];
    if (fate === "new") continue;
    let runId: string;
    try {
      runId = (await runAgent(db, ticket.id, { demo: true, useCache: false })).runId;
    } catch {
      summary.failedRuns++;
      continue;
    }
    summary.drafted++;
    if (fate === "pending") {
      // It arrived a few minutes before its draft, a few hours ago at most.
      const start = now.getTime() - pendingAgeMs(ticket.externalId);
      runStarts.push({ id: runId, start: new Date(start).toISOString() });
      arrivals.push({ id: ticket.id, at: new Date(start - runDelayMs(ticket.externalId)).toISOString() });
      summary.pending++;
      continue;
    }
    runStarts.push({
      id: runId,
      start: new Date(
        Math.min(ticket.createdAt.getTime() + runDelayMs(ticket.externalId), now.getTime() - 2 * MINUTE_MS),
      ).toISOString(),
    });

    const reference = ticket.metadata.referenceReply;
    const decisions = await decisionsForRun(db, runId, {
      intent: ticket.intent,
      referenceReply: typeof reference === "string" ? reference : null,
    });
    const reviewer = reviewers[hash(ticket.externalId) % reviewers.length] as Reviewer;
    for (const { actionId, version, decision } of decisions) {
      const input = decisionSchema.parse({ ...decision, actionId, version });
      // The demo's second reviews are built below, all given: none is sampled here to wait in the queue.
      await decideAction(db, reviewer, input, { secondReviewShare: 0 });
      reviewDelays.push({ id: actionId, delay: reviewDelayMs(actionId) });
      summary.reviews++;
    }
    if (decisions.length > 0) summary.decided++;
  }

  await backdate(db, { now, runStarts, reviewDelays, arrivals });
  // Blind second reviews of a sample, for reviewer agreement.
  await buildDemoSecondReviews(db, now);
  return summary;
}

async function loadReviewers(db: Db, ids: string[] | undefined): Promise<Reviewer[]> {
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(ids?.length ? inArray(users.id, ids) : undefined)
    .orderBy(asc(users.email));
  if (rows.length === 0) {
    throw new Error(
      "buildDemoHistory needs at least one user to attribute decisions to: run seedDemo first.",
    );
  }
  return rows;
}

/** The run's undecided actions with the demo reviewer's decision on each, in the order to apply them. */
async function decisionsForRun(
  db: Db,
  runId: string,
  ticket: { intent: string | null; referenceReply: string | null },
) {
  const actions = await db
    .select()
    .from(agentActions)
    .where(and(eq(agentActions.runId, runId), inArray(agentActions.status, ["pending_review", "blocked"])))
    .orderBy(asc(agentActions.createdAt), asc(agentActions.id));
  const [grounding] = await db
    .select({ failed: sql<number>`count(*)::int` })
    .from(agentSteps)
    .where(and(eq(agentSteps.runId, runId), failedCheckSql("agent_steps", GROUNDING_CHECKS)));
  const run = {
    groundingFailed: Number(grounding?.failed ?? 0) > 0,
    hasEscalation: actions.some((a) => a.kind === "escalation" && a.status === "pending_review"),
  };
  const decided: { actionId: string; version: number; decision: DemoDecision }[] = actions.map((a) => ({
    actionId: a.id,
    version: a.version,
    decision: demoDecision(
      {
        kind: a.kind,
        status: a.status as "pending_review" | "blocked",
        blockedBy: a.blockedBy,
        text: a.kind === "reply" ? (a.payload as ReplyPayload).text : null,
        team: a.kind === "escalation" ? (a.payload as EscalationPayload).team : null,
      },
      ticket,
      run,
    ),
  }));
  return decided.sort((x, y) => decisionOrder(x.decision) - decisionOrder(y.decision));
}
