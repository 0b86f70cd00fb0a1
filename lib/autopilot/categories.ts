import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { auditInsert } from "@/db/queries/audit";
import { agentActions, autopilotCategories, outbox, policyVersions, reviews, tickets } from "@/db/schema";
import { ticketStatusOfRunSql } from "@/lib/agent/transitions";
import { AppError } from "@/lib/errors";
import { type AutopilotSettings, loadPolicySettings } from "@/lib/guardrails/settings";
import { type CategoryKey, type Eligibility, eligibility } from "./rules";
import { loadCategoryStats } from "./stats";

export interface PromotedCategory extends CategoryKey {
  promotedAt: Date;
}

/** The autopilot settings of a policy version (defaults for a version that has none). */
export async function autopilotSettingsOf(db: Db, policyVersionId: string): Promise<AutopilotSettings> {
  const [row] = await db
    .select({ settings: policyVersions.settings })
    .from(policyVersions)
    .where(eq(policyVersions.id, policyVersionId));
  if (!row) throw new AppError("not_found:policy", "This policy version does not exist.");
  return loadPolicySettings(row.settings).autopilot;
}

export async function listPromoted(db: Db, policyVersionId: string): Promise<PromotedCategory[]> {
  return db
    .select({
      intent: autopilotCategories.intent,
      actionKind: autopilotCategories.actionKind,
      promotedAt: autopilotCategories.promotedAt,
    })
    .from(autopilotCategories)
    .where(eq(autopilotCategories.policyVersionId, policyVersionId));
}

export async function isPromoted(db: Db, policyVersionId: string, key: CategoryKey): Promise<boolean> {
  const [row] = await db
    .select({ intent: autopilotCategories.intent })
    .from(autopilotCategories)
    .where(
      and(
        eq(autopilotCategories.policyVersionId, policyVersionId),
        eq(autopilotCategories.intent, key.intent),
        eq(autopilotCategories.actionKind, key.actionKind),
      ),
    );
  return row !== undefined;
}

/** A category's eligibility from its reviews under the policy version since `since`. */
export async function categoryEligibility(
  db: Db,
  policyVersionId: string,
  key: CategoryKey,
  since: Date | null,
): Promise<Eligibility & { reviewed: number }> {
  const settings = await autopilotSettingsOf(db, policyVersionId);
  const [stats] = await loadCategoryStats(db, policyVersionId, since, key);
  const evidence = { reviewed: stats?.reviewed ?? 0, approvedAsIs: stats?.approvedAsIs ?? 0 };
  return { ...eligibility(key, evidence, settings), reviewed: evidence.reviewed };
}

/** An admin puts an eligible category on autopilot, checked again here, audited. */
export async function promoteCategory(
  db: Db,
  actor: { id: string },
  input: CategoryKey & { policyVersionId: string; since: Date | null },
): Promise<void> {
  const key = { intent: input.intent, actionKind: input.actionKind };
  const check = await categoryEligibility(db, input.policyVersionId, key, input.since);
  if (!check.eligible) {
    throw new AppError(
      "bad_request:autopilot",
      `This category is not eligible (${check.blockers.join(", ").replaceAll("_", " ")}): reload the page to see its figures.`,
    );
  }
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(autopilotCategories)
      .values({ policyVersionId: input.policyVersionId, ...key, promotedBy: actor.id })
      .onConflictDoNothing()
      .returning({ intent: autopilotCategories.intent });
    if (inserted.length === 0) return;
    await auditInsert(tx, {
      actorId: actor.id,
      actorType: "user",
      action: "autopilot.promoted",
      entityType: "autopilot_category",
      entityId: `${input.intent}:${input.actionKind}`,
      data: {
        policyVersionId: input.policyVersionId,
        lowerBound: check.lowerBound,
        reviewed: check.reviewed,
      },
    });
  });
}

export interface Demotion {
  demoted: boolean;
  /** Auto-approvals still in their undo window, taken back and waiting for people again. */
  returned: string[];
}

/**
 * Takes a category off autopilot (an admin, or the system when its samples
 * fail), audited. Auto-approvals of the category whose message is still held
 * in the outbox are taken back like an undo: the review and message go, the
 * action waits for people again. Actions already waiting stay with people.
 */
export async function demoteCategory(
  db: Db,
  actor: { id: string } | "system",
  input: CategoryKey & { policyVersionId: string; reason: string; data?: Record<string, unknown> },
): Promise<Demotion> {
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(autopilotCategories)
      .where(
        and(
          eq(autopilotCategories.policyVersionId, input.policyVersionId),
          eq(autopilotCategories.intent, input.intent),
          eq(autopilotCategories.actionKind, input.actionKind),
        ),
      )
      .returning({ intent: autopilotCategories.intent });
    if (removed.length === 0) return { demoted: false, returned: [] };

    const held = await tx
      .delete(outbox)
      .where(
        and(
          eq(outbox.status, "pending"),
          eq(outbox.attempts, 0),
          gt(outbox.releaseAt, sql`now()`),
          inArray(
            outbox.actionId,
            tx
              .select({ id: reviews.actionId })
              .from(reviews)
              .innerJoin(tickets, eq(tickets.id, reviews.ticketId))
              .where(
                and(
                  eq(reviews.source, "auto"),
                  eq(reviews.policyVersionId, input.policyVersionId),
                  eq(reviews.actionKind, input.actionKind),
                  eq(tickets.triageIntent, input.intent),
                ),
              ),
          ),
        ),
      )
      .returning({ actionId: outbox.actionId });
    const returned = held.map((h) => h.actionId);
    if (returned.length > 0) {
      await tx.delete(reviews).where(inArray(reviews.actionId, returned));
      const actions = await tx
        .update(agentActions)
        .set({ status: "pending_review", version: sql`${agentActions.version} + 1`, decidedAt: null })
        .where(inArray(agentActions.id, returned))
        .returning({ runId: agentActions.runId, ticketId: agentActions.ticketId });
      for (const a of actions) {
        await tx
          .update(tickets)
          .set({ status: ticketStatusOfRunSql(a.runId, a.ticketId), updatedAt: new Date() })
          .where(eq(tickets.id, a.ticketId));
      }
    }
    await auditInsert(tx, {
      actorId: actor === "system" ? null : actor.id,
      actorType: actor === "system" ? "system" : "user",
      action: "autopilot.demoted",
      entityType: "autopilot_category",
      entityId: `${input.intent}:${input.actionKind}`,
      data: { policyVersionId: input.policyVersionId, reason: input.reason, returned, ...input.data },
    });
    return { demoted: true, returned };
  });
}
