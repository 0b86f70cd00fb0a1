import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { agentActions, agentRuns, reviewGroups, reviews, tickets, users } from "@/db/schema";
import { isUndecided } from "@/lib/agent/transitions";
import { AppError } from "@/lib/errors";
import { repliedBeforeSql } from "./follow-up";

/**
 * What a decision needs to know before it writes, in one read: the action, its run's model and
 * policy version (copied onto the review), its ticket, the SLA it was held to, whether its
 * customer was already sent a reply (a new one is a follow-up) and whether it is an autopilot
 * sample (a person's verdict re-judges its category). A prepared statement per database, so
 * PostgreSQL plans it once per connection rather than once per decision.
 */
function prepareDecisionContext(db: Db) {
  return db
    .select({
      action: agentActions,
      model: agentRuns.model,
      policyVersionId: agentRuns.policyVersionId,
      // The SLA the action was held to: its group's, or the group an SLA move took it from.
      slaMinutes: reviewGroups.slaMinutes,
      ticket: {
        id: tickets.id,
        externalId: tickets.externalId,
        fromEmail: tickets.fromEmail,
        subject: tickets.subject,
      },
      repliedBefore: repliedBeforeSql(agentActions).mapWith(Boolean),
      autopilotSample: sql<boolean>`exists (
        select 1 from autopilot_samples s where s.action_id = ${agentActions.id})`.mapWith(Boolean),
    })
    .from(agentActions)
    .innerJoin(agentRuns, eq(agentRuns.id, agentActions.runId))
    .innerJoin(tickets, eq(tickets.id, agentActions.ticketId))
    .leftJoin(
      reviewGroups,
      eq(reviewGroups.id, sql`coalesce(${agentActions.slaFromGroupId}, ${agentActions.groupId})`),
    )
    .where(eq(agentActions.id, sql.placeholder("actionId")))
    .prepare("decision_context");
}

const prepared = new WeakMap<Db, ReturnType<typeof prepareDecisionContext>>();

export type DecisionContext = Awaited<
  ReturnType<ReturnType<typeof prepareDecisionContext>["execute"]>
>[number];

export async function readDecisionContext(db: Db, actionId: string): Promise<DecisionContext | undefined> {
  let statement = prepared.get(db);
  if (!statement) {
    statement = prepareDecisionContext(db);
    prepared.set(db, statement);
  }
  const [found] = await statement.execute({ actionId });
  return found;
}

/** Explains why a decision lost: someone else decided, the action moved on, or the page was stale. */
export async function explainConflict(db: Db, actionId: string): Promise<never> {
  const [current] = await db
    .select({ status: agentActions.status })
    .from(agentActions)
    .where(eq(agentActions.id, actionId));
  if (!current) throw new AppError("not_found:action", "This action does not exist any more.");
  const [decided] = await db
    .select({ decision: reviews.decision, at: reviews.createdAt, by: users.name })
    .from(reviews)
    .leftJoin(users, eq(users.id, reviews.reviewerId))
    .where(eq(reviews.actionId, actionId));
  if (decided) {
    throw new AppError(
      "conflict:review",
      `${decided.by ?? "Another reviewer"} already decided this action (${decided.decision}) at ${decided.at.toISOString().slice(11, 16)} UTC. Nothing of yours was saved; reload to see their decision.`,
      { decidedBy: decided.by, decision: decided.decision },
    );
  }
  if (!isUndecided(current.status)) {
    throw new AppError(
      "conflict:review",
      `This action is no longer waiting for review (it is ${current.status.replace("_", " ")}). Reload the page.`,
    );
  }
  throw new AppError(
    "conflict:review",
    "This action changed since you opened it. Reload the page and decide again.",
  );
}
