import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { agentRuns, autopilotSamples, tickets } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { AUTOPILOT, decideAction } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { autopilotSettingsOf, isPromoted } from "./categories";
import { isSampled, structuralBlockers } from "./rules";

export interface RunActions {
  runId: string;
  actions: { id: string; kind: string; status: string; blockedBy: string | null }[];
  /** The run's policy version and its ticket's triage, when the caller holds them (else they are read). */
  context?: RunContext;
}

interface RunContext {
  policyVersionId: string | null;
  intent: string | null;
  category: string | null;
}

export interface AutopilotOutcome {
  approved: string[];
  sampled: string[];
}

/**
 * After a run: each action of an autopiloted category that passed the gate and
 * verification (still `pending_review`) is approved by the system through the
 * same decision path as a person's, or, for a sample, left for people as an
 * ordinary pending action. A run that also escalates or had anything blocked,
 * and a ticket triaged into a risk category, stay with people.
 */
export async function applyAutopilot(db: Db, run: RunActions): Promise<AutopilotOutcome> {
  const outcome: AutopilotOutcome = { approved: [], sampled: [] };
  const candidates = run.actions.filter((a) => a.status === "pending_review" && a.kind === "reply");
  if (candidates.length === 0) return outcome;
  if (run.actions.some((a) => a.kind === "escalation" || a.status !== "pending_review")) return outcome;
  const context = run.context ?? (await runContext(db, run.runId));
  if (!context?.policyVersionId || !context.intent) return outcome;
  if (context.category && context.category !== "none") return outcome;
  const key = { intent: context.intent, actionKind: "reply" as const };
  if (structuralBlockers(key).length > 0) return outcome;
  if (!(await isPromoted(db, context.policyVersionId, key))) return outcome;
  const settings = await autopilotSettingsOf(db, context.policyVersionId);

  for (const action of candidates) {
    if (isSampled(action.id, settings.sampleRate)) {
      await db
        .insert(autopilotSamples)
        .values({ actionId: action.id, policyVersionId: context.policyVersionId, ...key })
        .onConflictDoNothing();
      outcome.sampled.push(action.id);
      continue;
    }
    try {
      await decideAction(
        db,
        AUTOPILOT,
        decisionSchema.parse({ decision: "approve", actionId: action.id, version: 1 }),
      );
      outcome.approved.push(action.id);
    } catch (error) {
      // A follow-up needing acknowledgement, or a person deciding first: it stays with people.
      if (!(error instanceof AppError)) throw error;
    }
  }
  return outcome;
}

async function runContext(db: Db, runId: string): Promise<RunContext | undefined> {
  const [context] = await db
    .select({
      policyVersionId: agentRuns.policyVersionId,
      intent: tickets.triageIntent,
      category: tickets.triageCategory,
    })
    .from(agentRuns)
    .innerJoin(tickets, eq(tickets.id, agentRuns.ticketId))
    .where(eq(agentRuns.id, runId));
  return context;
}
