import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { autopilotSamples } from "@/db/schema";
import { autopilotSettingsOf, type Demotion, demoteCategory, isPromoted } from "./categories";
import { type CategoryKey, shouldDemote } from "./rules";
import { loadCategoryStats } from "./stats";

/**
 * Judges an autopiloted category on its reviews by people under the policy
 * version (the samples included): demoted at once, by the system, when the
 * approve-as-is rate's lower bound falls below the threshold.
 */
export async function judgeCategory(
  db: Db,
  policyVersionId: string,
  key: CategoryKey,
): Promise<Demotion | null> {
  if (!(await isPromoted(db, policyVersionId, key))) return null;
  const settings = await autopilotSettingsOf(db, policyVersionId);
  const [stats] = await loadCategoryStats(db, policyVersionId, null, key);
  const evidence = { reviewed: stats?.reviewed ?? 0, approvedAsIs: stats?.approvedAsIs ?? 0 };
  if (!shouldDemote(key, evidence, settings)) return null;
  return demoteCategory(db, "system", {
    ...key,
    policyVersionId,
    reason: "The sampled reviews brought the approve-as-is rate's lower bound below the threshold.",
    data: { ...evidence, threshold: settings.threshold },
  });
}

/**
 * Call when a verdict on an action is recorded (a person's decision, or a
 * second review of it): when the action was an autopilot sample, its
 * category is judged again. Returns the demotion, or null when the action was
 * no sample or the category keeps its autopilot.
 */
export async function judgeIfSampled(db: Db, actionId: string): Promise<Demotion | null> {
  const [sample] = await db
    .select({
      policyVersionId: autopilotSamples.policyVersionId,
      intent: autopilotSamples.intent,
      actionKind: autopilotSamples.actionKind,
    })
    .from(autopilotSamples)
    .where(eq(autopilotSamples.actionId, actionId));
  if (!sample) return null;
  return judgeCategory(db, sample.policyVersionId, { intent: sample.intent, actionKind: sample.actionKind });
}
