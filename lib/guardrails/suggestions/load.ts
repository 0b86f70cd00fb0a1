import { desc, eq, gte } from "drizzle-orm";
import type { Db } from "@/db";
import { loadDecidedRunHistory } from "@/db/queries/policies";
import { agentActions, policyVersions, reviews, tickets } from "@/db/schema";
import { triageOf } from "@/lib/triage/run-step";
import { buildReplayRuns, type DryRunReport, replayHistory } from "../dry-run";
import { loadPolicy } from "../policy";
import type { Rule } from "../rules";
import { applySuggestion, mineSuggestions } from "./mine";
import type { MinedReview, Suggestion } from "./types";

/** How far back the miners read, and how much history each suggestion is dry-run over. */
export const SUGGESTION_WINDOW = { days: 30, reviews: 2000, dryRunRuns: 2000 } as const;
const DRY_RUN_CHANGES_SHOWN = 20;

export interface SuggestionDryRun {
  runsReplayed: number;
  /** Changes the suggested rule makes (none for an instruction line: the replay runs rules only). */
  counts: DryRunReport["totals"];
  agreement: DryRunReport["agreement"];
  changes: DryRunReport["rules"][number]["changes"];
  omitted: number;
}

export type DryRunSuggestion = Suggestion & { dryRun: SuggestionDryRun };

/** The reviews of the window, newest first, with what the miners read of their ticket and action. */
export async function loadRecentReviews(db: Db, now: Date = new Date()): Promise<MinedReview[]> {
  const since = new Date(now.getTime() - SUGGESTION_WINDOW.days * 86_400_000);
  const rows = await db
    .select({
      reviewId: reviews.id,
      ticketId: reviews.ticketId,
      externalId: tickets.externalId,
      subject: tickets.subject,
      body: tickets.body,
      metadata: tickets.metadata,
      actionKind: reviews.actionKind,
      decision: reviews.decision,
      reasonTags: reviews.reasonTags,
      payload: agentActions.payload,
      escalation: reviews.escalation,
      originalText: reviews.originalText,
      finalText: reviews.finalText,
    })
    .from(reviews)
    .innerJoin(tickets, eq(tickets.id, reviews.ticketId))
    .innerJoin(agentActions, eq(agentActions.id, reviews.actionId))
    .where(gte(reviews.createdAt, since))
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(SUGGESTION_WINDOW.reviews);
  return rows.map(({ payload, escalation, metadata, ...r }) => ({
    ...r,
    // Read again as the dry-run and the agent read it (well under a millisecond a ticket).
    riskScores: r.actionKind === "escalation" ? triageOf(r).categories : {},
    intent: typeof metadata.intent === "string" ? metadata.intent : null,
    ruleIds: Array.isArray(payload.ruleIds)
      ? payload.ruleIds.filter((id): id is string => typeof id === "string")
      : [],
    escalatedTo: escalation?.team ?? null,
  }));
}

/** The published policy's rules and instructions (none published: an empty policy). */
export async function loadPublishedContent(
  db: Db,
): Promise<{ version: number | null; rules: Rule[]; instructions: string }> {
  const [row] = await db.select().from(policyVersions).where(eq(policyVersions.status, "published")).limit(1);
  if (!row) return { version: null, rules: [], instructions: "" };
  const policy = loadPolicy(row);
  // A policy that failed closed is not a base to suggest changes to.
  return policy.failedClosed
    ? { version: row.version, rules: [], instructions: row.instructions }
    : { version: row.version, rules: policy.rules, instructions: policy.instructions };
}

/** The suggestions for the published policy, mined from recent reviews. */
export async function mineCurrentSuggestions(db: Db, now?: Date) {
  const [recent, published] = await Promise.all([loadRecentReviews(db, now), loadPublishedContent(db)]);
  return { published, suggestions: mineSuggestions(recent, published) };
}

function ruleIdOf(suggestion: Suggestion): string | null {
  const { change } = suggestion;
  if (change.type === "add_rule") return change.rule.id;
  if (change.type === "replace_rule") return change.after.id;
  return null;
}

/**
 * Every suggestion with its dry-run: the published policy with the suggestion
 * applied, replayed over the last decided runs, reporting what the suggested
 * rule would have changed and whether reviewers' decisions agree.
 */
export async function loadSuggestionsWithDryRun(db: Db, now?: Date) {
  const [{ published, suggestions }, history] = await Promise.all([
    mineCurrentSuggestions(db, now),
    loadDecidedRunHistory(db, SUGGESTION_WINDOW.dryRunRuns),
  ]);
  const runs = buildReplayRuns(history);
  const withDryRun: DryRunSuggestion[] = suggestions.map((suggestion) => {
    const ruleId = ruleIdOf(suggestion);
    const report = ruleId ? replayHistory(runs, applySuggestion(suggestion, published).rules) : null;
    const impact = report?.rules.find((r) => r.ruleId === ruleId);
    const counts = {
      newly_blocked: 0,
      newly_escalated: 0,
      no_longer_blocked: 0,
      no_longer_escalated: 0,
      ...impact?.counts,
    };
    const changes = impact?.changes ?? [];
    return {
      ...suggestion,
      dryRun: {
        runsReplayed: runs.length,
        counts,
        agreement: { agrees: 0, disagrees: 0, unknown: 0, ...impact?.agreement },
        changes: changes.slice(0, DRY_RUN_CHANGES_SHOWN),
        omitted: changes.length - Math.min(changes.length, DRY_RUN_CHANGES_SHOWN) + (impact?.omitted ?? 0),
      },
    };
  });
  return { published, suggestions: withDryRun };
}
