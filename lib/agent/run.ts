import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { Db } from "@/db";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import type { RunStatus, TicketStatus } from "@/db/schema";
import { applyAutopilot } from "@/lib/autopilot/apply";
import { AppError } from "@/lib/errors";
import { ticketEscalations } from "@/lib/guardrails/evaluate";
import { loadPolicy } from "@/lib/guardrails/policy";
import { TEAMS } from "@/lib/guardrails/rules";
import { loadRoutingTable } from "@/lib/routing/load";
import { withSpan } from "@/lib/telemetry/spans";
import { recordTriageStep, triageColumns, triageOf } from "@/lib/triage/run-step";
import {
  CACHE_HIT_STEP,
  CACHE_STALE_STEP,
  decisionCacheKey,
  findCachedDecision,
  knowledgeStamp,
} from "./cache";
import { enforceInvariants } from "./invariants";
import { holdLease, openRun } from "./lease";
import { getLanguageModel, type ModelSettings, modelSettings } from "./models";
import { type ModelFailure, runErrorKind } from "./models/errors";
import { draftWithRecovery } from "./models/recovery";
import type { ResilienceOptions } from "./models/resilience";
import { StepRecorder } from "./recorder";
import { routeTicket } from "./router";
import type { Attempt } from "./run-attempt";
import { failRun, finishRun, loadTicket, type RunOutcome } from "./run-persist";
import { shapeDrafter } from "./shapes";
import type { BlockedProposal, Proposal, TicketInput } from "./types";

export type { RunOutcome } from "./run-persist";

export interface RunOptions {
  guidance?: string | null;
  triggeredBy?: string | null;
  models?: ModelSettings;
  /** Tests inject scripted models here; the app uses the provider registry. */
  resolveModel?: (modelId: string) => LanguageModelV4;
  resilience?: ResilienceOptions;
  useCache?: boolean;
  demo?: boolean;
  /** Wall-time budget of the planning, in milliseconds (default: LIMITS.wallTimeMs). */
  wallTimeMs?: number;
  /** Draft only if the ticket is still in one of these statuses when the run opens (queued drafts). */
  onlyFrom?: readonly TicketStatus[];
}

type Team = (typeof TEAMS)[number];

/**
 * Runs the agent's control loop on one ticket: route, plan with tools behind
 * the guardrail gate, reflect, verify (with one repair), and propose actions
 * that wait for a person. Every step is stored as it happens; recovery falls
 * back to another model and finally to a deterministic escalation; the run
 * invariants are enforced on whatever comes out (lib/agent/invariants.ts).
 */
export function runAgent(db: Db, ticketId: string, options: RunOptions = {}): Promise<RunOutcome> {
  return withSpan(
    "countersign.agent.run",
    { attributes: { "countersign.ticket.id": ticketId } },
    async (span) => {
      const outcome = await draftTicket(db, ticketId, options);
      span.setAttributes({
        "countersign.run.id": outcome.runId,
        "countersign.run.status": outcome.status,
        "countersign.run.cache_hit": outcome.cacheHit,
        "countersign.run.actions": outcome.actions.length,
      });
      return outcome;
    },
  );
}

async function draftTicket(db: Db, ticketId: string, options: RunOptions): Promise<RunOutcome> {
  const ticket = await loadTicket(db, ticketId);
  // Routing's groups and rules are read once per run, beside the policy.
  const [policyRow, routingTable] = await Promise.all([getPublishedPolicyRow(db), loadRoutingTable(db)]);
  if (!policyRow)
    throw new AppError(
      "unavailable:policy",
      "No policy version is published. An admin must publish one first.",
    );
  const policy = loadPolicy(policyRow);
  const shape = policyRow.agentShape;
  const models = options.models ?? modelSettings();
  const triage = triageOf(ticket);
  const route = routeTicket(ticket, models, triage);
  const cacheKey = decisionCacheKey({
    fromEmail: ticket.fromEmail,
    subject: ticket.subject,
    body: ticket.body,
    policyVersionId: policy.id,
    models: [models.small, models.large, models.fallback],
    guidance: options.guidance,
    knowledgeStamp: await knowledgeStamp(db),
    metadata: ticket.metadata,
    customerTier: ticket.customer?.tier ?? null,
  });

  const runId = await openRun(
    db,
    {
      ticketId,
      policyVersionId: policy.id,
      model: route.modelId,
      routeRule: route.rule,
      shape,
      guidance: options.guidance ?? null,
      triggeredBy: options.triggeredBy ?? null,
      cacheKey,
      demo: options.demo ?? false,
    },
    triageColumns(triage),
    undefined,
    options.onlyFrom,
  );

  const lease = holdLease(db, runId);
  const recorder = new StepRecorder(db, runId);
  const started = performance.now();
  try {
    await recordTriageStep(recorder, ticketId, triage);
    await recorder.record({
      kind: "route",
      name: route.size,
      input: { small: models.small, large: models.large },
      output: { model: route.modelId, rule: route.rule },
    });
    if (policy.failedClosed) {
      await recorder.record({
        kind: "guardrail",
        name: "policy-invalid",
        output: { failedClosed: true, error: policy.loadError, version: policy.version },
      });
    }

    const facts = {
      text: `${ticket.subject}\n${ticket.body}`,
      customerTier: ticket.customer?.tier,
      intent: metadataIntent(ticket),
      triage,
    };
    const required = ticketEscalations(policy.rules, facts);
    const finish = async (
      result: Attempt,
      status: RunStatus,
      cacheHit: boolean,
      failure: ModelFailure | null = null,
    ) => {
      const team = (TEAMS as readonly string[]).includes(required[0]?.team ?? "")
        ? (required[0]?.team as Team)
        : "support";
      const kept = await enforceInvariants(
        { proposals: result.proposals, blocked: result.blocked },
        {
          recorder,
          exhausted: result.exhausted,
          team,
          ruleIds: required.map((r) => r.ruleId),
          notes: result.notes,
        },
      );
      const outcome = await finishRun(db, {
        runId,
        ticketId,
        recorder,
        started,
        status,
        cacheHit,
        modelId: result.modelId,
        proposals: kept.proposals,
        blocked: kept.blocked,
        failure,
        routing: {
          table: routingTable,
          facts: { category: triage.category, intent: triage.intent, tier: ticket.customer?.tier ?? null },
        },
      });
      // Gate and verification are passed: an autopiloted category's reply is approved by the system.
      // Should that fail, the run stands and its actions simply wait for people.
      // The run opened with this policy version and stored this triage on its ticket: no need to read them back.
      const context = { policyVersionId: policy.id, intent: triage.intent, category: triage.category };
      const { approved } = await applyAutopilot(db, { ...outcome, context }).catch((error: unknown) => {
        console.error("autopilot: the run's actions are left for people", error);
        return { approved: [] as string[] };
      });
      return {
        ...outcome,
        actions: outcome.actions.map((a) => (approved.includes(a.id) ? { ...a, status: "approved" } : a)),
      };
    };

    if (options.useCache !== false) {
      const cached = await findCachedDecision(db, cacheKey);
      if (cached?.reusable) {
        await recorder.record({ kind: "cache", name: CACHE_HIT_STEP, output: { reusedRun: cached.runId } });
        const proposals: Proposal[] = [];
        const blocked: BlockedProposal[] = [];
        for (const a of cached.actions) {
          const p = { kind: a.kind, payload: a.payload } as Proposal;
          if (a.blockedBy)
            blocked.push({ ...p, blockedBy: a.blockedBy, blockedReason: a.blockedReason ?? "" });
          else proposals.push(p);
        }
        return await finish(
          { modelId: route.modelId, proposals, blocked, exhausted: null, notes: [] },
          "succeeded",
          true,
        );
      }
      if (cached) {
        await recorder.record({
          kind: "cache",
          name: CACHE_STALE_STEP,
          output: { candidateRun: cached.runId, reason: cached.reason },
        });
      }
    }

    for (const rule of required) {
      await recorder.record({
        kind: "guardrail",
        name: rule.ruleId,
        output: {
          escalationRequired: true,
          rule: rule.ruleName,
          team: rule.team,
          matched: rule.matched,
          explanation: rule.explanation,
        },
      });
    }

    // The policy's agent shape decides how one attempt drafts (lib/agent/shapes).
    const drafter = shapeDrafter(db, shape, {
      modelId: route.modelId,
      routed: route.modelId,
      models,
      resolve: options.resolveModel ?? getLanguageModel,
      ticket,
      rules: policy.rules,
      instructions: policy.instructions,
      required,
      facts,
      recorder,
      guidance: options.guidance,
      resilience: options.resilience,
      wallTimeMs: options.wallTimeMs,
    });

    // Transient failures reach the fallback model; configuration and other failures do not (models/recovery.ts).
    const { result, status, failure } = await draftWithRecovery({
      primary: route.modelId,
      fallback: models.fallback,
      attempt: drafter.attempt,
      giveUp: drafter.giveUp,
      record: (step) => recorder.record(step),
    });
    return await finish(result, status, false, failure);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recorder
      .record({ kind: "error", name: "run failed", output: { error: message } })
      .catch(() => undefined);
    await failRun(db, runId, ticketId, message, recorder, started, runErrorKind(error));
    throw error;
  } finally {
    lease.release();
  }
}

function metadataIntent(ticket: TicketInput): string | null {
  const intent = ticket.metadata.intent;
  return typeof intent === "string" ? intent : null;
}
