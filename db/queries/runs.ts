import { asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { agentActions, agentRuns, agentSteps, policyVersions, reviews, users } from "../schema";

export async function listRunsForTicket(db: Db, ticketId: string) {
  return db
    .select({
      id: agentRuns.id,
      status: agentRuns.status,
      model: agentRuns.model,
      routeRule: agentRuns.routeRule,
      guidance: agentRuns.guidance,
      cacheHit: agentRuns.cacheHit,
      inputTokens: agentRuns.inputTokens,
      outputTokens: agentRuns.outputTokens,
      costMicroUsd: agentRuns.costMicroUsd,
      latencyMs: agentRuns.latencyMs,
      error: agentRuns.error,
      startedAt: agentRuns.startedAt,
      policyVersion: policyVersions.version,
    })
    .from(agentRuns)
    .leftJoin(policyVersions, eq(policyVersions.id, agentRuns.policyVersionId))
    .where(eq(agentRuns.ticketId, ticketId))
    .orderBy(desc(agentRuns.startedAt));
}

export type RunSummary = Awaited<ReturnType<typeof listRunsForTicket>>[number];

export async function getSteps(db: Db, runId: string) {
  return db.select().from(agentSteps).where(eq(agentSteps.runId, runId)).orderBy(asc(agentSteps.seq));
}

export type Step = Awaited<ReturnType<typeof getSteps>>[number];

export async function getActionsForRuns(db: Db, runIds: string[]) {
  if (runIds.length === 0) return [];
  return db
    .select()
    .from(agentActions)
    .where(inArray(agentActions.runId, runIds))
    .orderBy(asc(agentActions.createdAt));
}

export type Action = Awaited<ReturnType<typeof getActionsForRuns>>[number];

export async function getReviewsForActions(db: Db, actionIds: string[]) {
  if (actionIds.length === 0) return [];
  return db
    .select({
      id: reviews.id,
      actionId: reviews.actionId,
      decision: reviews.decision,
      source: reviews.source,
      originalText: reviews.originalText,
      finalText: reviews.finalText,
      diff: reviews.diff,
      editDistance: reviews.editDistance,
      rating: reviews.rating,
      reasonTags: reviews.reasonTags,
      comment: reviews.comment,
      reason: reviews.reason,
      escalation: reviews.escalation,
      finalArguments: reviews.finalArguments,
      createdAt: reviews.createdAt,
      reviewer: users.name,
    })
    .from(reviews)
    .leftJoin(users, eq(users.id, reviews.reviewerId))
    .where(inArray(reviews.actionId, actionIds));
}

export type ReviewRow = Awaited<ReturnType<typeof getReviewsForActions>>[number];
