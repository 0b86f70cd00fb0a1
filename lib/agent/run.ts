import type { LanguageModelV4 } from "@ai-sdk/provider";
import { generateText, isStepCount, type ModelMessage } from "ai";
import { and, eq, inArray, lte, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import { agentActions, agentRuns, customers, type RunStatus, tickets } from "@/db/schema";
import { AppError } from "@/lib/errors";
import {
  amountsInText,
  budgetOf,
  type FiredRule,
  requiresCitations,
  ticketEscalations,
} from "@/lib/guardrails/evaluate";
import { loadPolicy } from "@/lib/guardrails/policy";
import type { Rule } from "@/lib/guardrails/rules";
import { decisionCacheKey, findCachedDecision, knowledgeStamp } from "./cache";
import { withGrounding } from "./grounding";
import { getLanguageModel, type ModelSettings, modelSettings } from "./models";
import {
  DEFAULT_RESILIENCE,
  describeModelError,
  type ResilienceOptions,
  resilientModel,
} from "./models/resilience";
import {
  plannerInstructions,
  REFLECTION_MARKER,
  reflectionPrompt,
  ticketMessage,
  VERIFICATION_FAILED,
} from "./prompt";
import { StepRecorder } from "./recorder";
import { routeTicket } from "./router";
import { buildTools, type ToolContext } from "./tools";
import {
  type BlockedProposal,
  emptyRetrieved,
  escalationPayloadSchema,
  type Proposal,
  refundPayloadSchema,
  replyPayloadSchema,
  type TicketInput,
} from "./types";
import { type CheckResult, failedChecks, verify } from "./verify";

export interface RunOptions {
  guidance?: string | null;
  triggeredBy?: string | null;
  models?: ModelSettings;
  /** Tests inject scripted models here; the app uses the provider registry. */
  resolveModel?: (modelId: string) => LanguageModelV4;
  resilience?: ResilienceOptions;
  useCache?: boolean;
  demo?: boolean;
}

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  cacheHit: boolean;
  actions: { id: string; kind: string; status: string; blockedBy: string | null }[];
  /** Where the run's time went, in milliseconds (for the benchmark). */
  timings: { totalMs: number; writeMs: number };
}

interface Attempt {
  modelId: string;
  proposals: Proposal[];
  blocked: BlockedProposal[];
}

async function loadTicket(db: Db, ticketId: string): Promise<TicketInput> {
  const [row] = await db
    .select({
      id: tickets.id,
      subject: tickets.subject,
      body: tickets.body,
      fromEmail: tickets.fromEmail,
      channel: tickets.channel,
      createdAt: tickets.createdAt,
      metadata: tickets.metadata,
      customerId: customers.id,
      customerEmail: customers.email,
      customerName: customers.name,
      customerTier: customers.tier,
    })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(eq(tickets.id, ticketId))
    .limit(1);
  if (!row) throw new AppError("not_found:ticket", "This ticket does not exist (it may have been deleted).");
  const { customerId, customerEmail, customerName, customerTier, ...ticket } = row;
  return {
    ...ticket,
    customer:
      customerId && customerEmail && customerName && customerTier
        ? { id: customerId, email: customerEmail, name: customerName, tier: customerTier }
        : null,
  };
}

function validProposal(p: Proposal): Proposal {
  if (p.kind === "reply") return { kind: "reply", payload: replyPayloadSchema.parse(p.payload) };
  if (p.kind === "escalation")
    return { kind: "escalation", payload: escalationPayloadSchema.parse(p.payload) };
  return { kind: "refund", payload: refundPayloadSchema.parse(p.payload) };
}

/**
 * Runs the agent's control loop on one ticket: route, plan with tools behind
 * the guardrail gate, reflect, verify (with one repair), and propose actions
 * that wait for a person. Every step is stored as it happens; recovery falls
 * back to another model and finally to a deterministic escalation.
 */
export async function runAgent(db: Db, ticketId: string, options: RunOptions = {}): Promise<RunOutcome> {
  const ticket = await loadTicket(db, ticketId);
  const policyRow = await getPublishedPolicyRow(db);
  if (!policyRow)
    throw new AppError(
      "unavailable:policy",
      "No policy version is published. An admin must publish one first.",
    );
  const policy = loadPolicy(policyRow);
  const models = options.models ?? modelSettings();
  const route = routeTicket(ticket, models);
  const cacheKey = decisionCacheKey({
    fromEmail: ticket.fromEmail,
    subject: ticket.subject,
    body: ticket.body,
    policyVersionId: policy.id,
    models: [models.small, models.large, models.fallback],
    guidance: options.guidance,
    knowledgeStamp: await knowledgeStamp(db),
  });

  let runId: string;
  try {
    const [run] = await db
      .insert(agentRuns)
      .values({
        ticketId,
        policyVersionId: policy.id,
        model: route.modelId,
        routeRule: route.rule,
        guidance: options.guidance ?? null,
        triggeredBy: options.triggeredBy ?? null,
        cacheKey,
        demo: options.demo ?? false,
      })
      .returning({ id: agentRuns.id });
    runId = run?.id ?? "";
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        "conflict:run",
        "The agent is already drafting this ticket. Wait for that run to finish.",
      );
    }
    throw error;
  }
  await db.update(tickets).set({ status: "drafting", updatedAt: new Date() }).where(eq(tickets.id, ticketId));

  const recorder = new StepRecorder(db, runId);
  const started = performance.now();
  try {
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

    if (options.useCache !== false) {
      const cached = await findCachedDecision(db, cacheKey);
      if (cached) {
        await recorder.record({
          kind: "cache",
          name: "decision cache hit",
          output: { reusedRun: cached.runId },
        });
        const proposals: Proposal[] = [];
        const blocked: BlockedProposal[] = [];
        for (const a of cached.actions) {
          const p = { kind: a.kind, payload: a.payload } as Proposal;
          if (a.blockedBy)
            blocked.push({ ...p, blockedBy: a.blockedBy, blockedReason: a.blockedReason ?? "" });
          else proposals.push(p);
        }
        return await finishRun(db, {
          runId,
          ticketId,
          recorder,
          started,
          status: "succeeded",
          cacheHit: true,
          modelId: route.modelId,
          proposals,
          blocked,
        });
      }
    }

    const facts = {
      text: `${ticket.subject}\n${ticket.body}`,
      customerTier: ticket.customer?.tier,
      intent: metadataIntent(ticket),
    };
    const required = ticketEscalations(policy.rules, facts);
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

    const resolve = options.resolveModel ?? getLanguageModel;
    const attempt = (modelId: string) =>
      attemptDraft(db, {
        modelId,
        resolve,
        ticket,
        rules: policy.rules,
        instructions: policy.instructions,
        required,
        facts,
        recorder,
        guidance: options.guidance,
        resilience: options.resilience,
      });

    let result: Attempt;
    let status: RunStatus = "succeeded";
    try {
      result = await attempt(route.modelId);
    } catch (primaryError) {
      const primaryReason = describeModelError(primaryError);
      status = "fell_back";
      if (models.fallback !== route.modelId) {
        await recorder.record({
          kind: "recovery",
          name: "fallback model",
          input: { failedModel: route.modelId, error: primaryReason },
          output: { nextModel: models.fallback },
        });
        try {
          result = await attempt(models.fallback);
        } catch (fallbackError) {
          result = deterministicFallback(
            route.modelId,
            primaryReason,
            models.fallback,
            describeModelError(fallbackError),
          );
          await recorder.record({
            kind: "recovery",
            name: "deterministic fallback",
            output: result.proposals[0]?.payload,
          });
        }
      } else {
        result = deterministicFallback(route.modelId, primaryReason);
        await recorder.record({
          kind: "recovery",
          name: "deterministic fallback",
          output: result.proposals[0]?.payload,
        });
      }
    }
    return await finishRun(db, {
      runId,
      ticketId,
      recorder,
      started,
      status,
      cacheHit: false,
      modelId: result.modelId,
      proposals: result.proposals,
      blocked: result.blocked,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recorder
      .record({ kind: "error", name: "run failed", output: { error: message } })
      .catch(() => undefined);
    await failRun(db, runId, ticketId, message, recorder, started);
    throw error;
  }
}

function metadataIntent(ticket: TicketInput): string | null {
  const intent = ticket.metadata.intent;
  return typeof intent === "string" ? intent : null;
}

function deterministicFallback(
  primary: string,
  primaryError: string,
  fallback?: string,
  fallbackError?: string,
): Attempt {
  const reason = fallback
    ? `The agent could not draft this ticket: ${primary} failed (${primaryError}), then the fallback ${fallback} failed (${fallbackError}). A person should handle it.`
    : `The agent could not draft this ticket: ${primary} failed (${primaryError}). A person should handle it.`;
  return {
    modelId: fallback ?? primary,
    proposals: [{ kind: "escalation", payload: { reason, team: "support", urgency: "normal", ruleIds: [] } }],
    blocked: [],
  };
}

interface AttemptInput {
  modelId: string;
  resolve: (modelId: string) => LanguageModelV4;
  ticket: TicketInput;
  rules: Rule[];
  instructions: string;
  required: FiredRule[];
  facts: { text: string; customerTier?: string | null; intent?: string | null };
  recorder: StepRecorder;
  guidance?: string | null;
  resilience?: ResilienceOptions;
}

/** One pass of plan -> tools -> reflection -> verification (-> one repair) with one model. Throws on model failure. */
async function attemptDraft(db: Db, input: AttemptInput): Promise<Attempt> {
  const { recorder, rules } = input;
  const ctx: ToolContext = {
    db,
    ticket: input.ticket,
    retrieved: emptyRetrieved(),
    proposals: [],
    blocked: [],
    recorder,
  };
  const model = resilientModel(
    input.resolve(input.modelId),
    input.modelId,
    {
      onCall: (call) =>
        recorder.record({
          kind: call.params.tools?.length ? "plan" : "reflection",
          name: call.params.tools?.length ? `plan ${recorder.totals.modelCalls + 1}` : "reflection",
          input: { messages: call.params.prompt.length, last: lastMessageSummary(call.params.prompt.at(-1)) },
          output: call.result.content.map((c) =>
            c.type === "text"
              ? { text: c.text }
              : c.type === "tool-call"
                ? { tool: c.toolName, input: safeParse(c.input) }
                : { type: c.type },
          ),
          model: call.modelId,
          inputTokens: call.inputTokens,
          outputTokens: call.outputTokens,
          costMicroUsd: call.costMicroUsd,
          latencyMs: call.latencyMs,
        }),
      onRetry: (info) =>
        recorder.record({
          kind: "recovery",
          name: `retry ${info.attempt}`,
          input: { model: info.modelId, error: info.error },
          output: { backoffMs: info.delayMs },
        }),
    },
    input.resilience ?? DEFAULT_RESILIENCE,
  );
  const tools = buildTools(ctx, rules, () => input.modelId);
  const budget = budgetOf(rules);
  const instructions = plannerInstructions({
    policyInstructions: input.instructions,
    requiredEscalations: input.required,
    guidance: input.guidance,
  });
  const messages: ModelMessage[] = [{ role: "user", content: ticketMessage(input.ticket) }];

  const first = await generateText({
    model,
    instructions,
    messages,
    tools,
    stopWhen: isStepCount(budget.maxSteps),
    maxRetries: 0,
  });
  await recorder.flushTotals();

  const reply = ctx.proposals.find((p) => p.kind === "reply");
  if (reply) {
    const facts = [...ctx.retrieved.articles.keys()]
      .map((s) => `article ${s}`)
      .concat([...ctx.retrieved.orders.keys()].map((n) => `order ${n}`));
    await generateText({
      model,
      instructions: REFLECTION_MARKER,
      prompt: reflectionPrompt(reply.payload.text, facts.join("\n") || "none"),
      maxRetries: 0,
    });
  }

  const check = async (label: string): Promise<CheckResult[]> => {
    const refundAmounts = [...ctx.proposals, ...ctx.blocked].flatMap((p) =>
      p.kind === "refund" ? [p.payload.amountCents] : [],
    );
    // Escalation rules are checked again after drafting: amounts proposed count too.
    const required = ticketEscalations(rules, input.facts, refundAmounts);
    const results = verify({
      proposals: ctx.proposals,
      blocked: ctx.blocked,
      retrieved: ctx.retrieved,
      requiredEscalations: required,
      citationsRequired: Boolean(requiresCitations(rules)),
      ticketDates: [input.ticket.createdAt.toISOString().slice(0, 10)],
      ticketAmounts: amountsInText(input.facts.text),
    });
    for (const r of results) {
      await recorder.record({
        kind: "verification",
        name: `${label}${r.check}`,
        output: { passed: r.passed, detail: r.detail },
      });
    }
    return results;
  };

  let failed = failedChecks(await check(""));
  if (failed.length > 0) {
    const feedback = `${VERIFICATION_FAILED} ${failed.map((f) => `${f.check}: ${f.detail}`).join(" ")}`;
    setAsideFailedReplies(ctx, failed);
    await generateText({
      model,
      instructions,
      messages: [...messages, ...first.response.messages, { role: "user", content: feedback }],
      tools,
      stopWhen: isStepCount(3),
      maxRetries: 0,
    });
    await recorder.flushTotals();
    failed = failedChecks(await check("repair: "));
    if (failed.length > 0) {
      setAsideFailedReplies(ctx, failed);
      const required = ticketEscalations(rules, input.facts);
      const reason = `Verification failed after one repair: ${failed.map((f) => `${f.check} (${f.detail})`).join("; ")}`;
      ctx.proposals.push({
        kind: "escalation",
        payload: {
          reason,
          team: (required[0]?.team ?? "support") as "support",
          urgency: "normal",
          ruleIds: required.map((r) => r.ruleId),
        },
      });
      await recorder.record({
        kind: "guardrail",
        name: "verification-escalation",
        output: { escalated: true, reason },
      });
    }
  }
  return {
    modelId: input.modelId,
    proposals: ctx.proposals.map((p) => withGrounding(validProposal(p), ctx.retrieved)),
    blocked: ctx.blocked,
  };
}

/** A reply that failed verification is kept for the reviewer as blocked, naming the failed checks. */
function setAsideFailedReplies(ctx: ToolContext, failed: CheckResult[]) {
  const replyChecks = failed.filter((f) => f.check !== "required_escalations");
  if (replyChecks.length === 0) return;
  const names = replyChecks.map((f) => f.check).join(", ");
  for (const p of ctx.proposals.filter((p) => p.kind === "reply")) {
    ctx.blocked.push({
      ...p,
      blockedBy: `verify:${replyChecks[0]?.check}`,
      blockedReason: `Failed verification (${names}): ${replyChecks.map((f) => f.detail).join(" ")}`,
    });
  }
  ctx.proposals.splice(0, ctx.proposals.length, ...ctx.proposals.filter((p) => p.kind !== "reply"));
}

function safeParse(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function lastMessageSummary(message: unknown): unknown {
  if (!message || typeof message !== "object") return null;
  const m = message as { role: string; content: unknown };
  if (typeof m.content === "string") return { role: m.role, text: m.content.slice(0, 2000) };
  if (Array.isArray(m.content)) {
    return {
      role: m.role,
      parts: m.content.map((p: { type: string; text?: string; toolName?: string }) =>
        p.type === "text" ? { text: p.text?.slice(0, 2000) } : { type: p.type, tool: p.toolName },
      ),
    };
  }
  return { role: m.role };
}

interface Finish {
  runId: string;
  ticketId: string;
  recorder: StepRecorder;
  started: number;
  status: RunStatus;
  cacheHit: boolean;
  modelId: string;
  proposals: Proposal[];
  blocked: BlockedProposal[];
}

/** Actions, run totals and the ticket's status commit together. Older undecided actions are superseded. */
async function finishRun(db: Db, f: Finish): Promise<RunOutcome> {
  const rows = [
    ...f.proposals.map((p) => ({
      runId: f.runId,
      ticketId: f.ticketId,
      kind: p.kind,
      payload: p.payload,
      status: "pending_review" as const,
    })),
    ...f.blocked.map((b) => ({
      runId: f.runId,
      ticketId: f.ticketId,
      kind: b.kind,
      payload: b.payload,
      status: "blocked" as const,
      blockedBy: b.blockedBy,
      blockedReason: b.blockedReason,
    })),
  ];
  const actions = await db.transaction(async (tx) => {
    await tx
      .update(agentActions)
      .set({ status: "superseded", version: sql`${agentActions.version} + 1` })
      .where(
        and(
          eq(agentActions.ticketId, f.ticketId),
          ne(agentActions.runId, f.runId),
          inArray(agentActions.status, ["pending_review", "blocked"]),
        ),
      );
    const inserted = rows.length
      ? await tx.insert(agentActions).values(rows).returning({
          id: agentActions.id,
          kind: agentActions.kind,
          status: agentActions.status,
          blockedBy: agentActions.blockedBy,
        })
      : [];
    await tx
      .update(agentRuns)
      .set({
        status: f.status,
        model: f.modelId,
        cacheHit: f.cacheHit,
        inputTokens: f.recorder.totals.inputTokens,
        outputTokens: f.recorder.totals.outputTokens,
        costMicroUsd: f.recorder.totals.costMicroUsd,
        latencyMs: Math.round(performance.now() - f.started),
        endedAt: new Date(),
      })
      .where(eq(agentRuns.id, f.runId));
    await tx
      .update(tickets)
      .set({ status: "awaiting_review", updatedAt: new Date() })
      .where(eq(tickets.id, f.ticketId));
    return inserted;
  });
  return {
    runId: f.runId,
    status: f.status,
    cacheHit: f.cacheHit,
    actions,
    timings: { totalMs: performance.now() - f.started, writeMs: f.recorder.writeMs },
  };
}

async function failRun(
  db: Db,
  runId: string,
  ticketId: string,
  error: string,
  recorder: StepRecorder,
  started: number,
) {
  await db.transaction(async (tx) => {
    await tx
      .update(agentRuns)
      .set({
        status: "failed",
        error,
        inputTokens: recorder.totals.inputTokens,
        outputTokens: recorder.totals.outputTokens,
        costMicroUsd: recorder.totals.costMicroUsd,
        latencyMs: Math.round(performance.now() - started),
        endedAt: new Date(),
      })
      .where(eq(agentRuns.id, runId));
    await tx.update(tickets).set({ status: "new", updatedAt: new Date() }).where(eq(tickets.id, ticketId));
  });
}

/**
 * Runs left `running` by a process that died are closed as failed and their
 * tickets returned to `new`, so a person can redraft them.
 */
export async function closeInterruptedRuns(db: Db, olderThanMs = 0): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanMs);
  return db.transaction(async (tx) => {
    const closed = await tx
      .update(agentRuns)
      .set({
        status: "failed",
        error: "Interrupted: the process stopped while the agent was drafting.",
        endedAt: new Date(),
      })
      .where(and(eq(agentRuns.status, "running"), lte(agentRuns.startedAt, cutoff)))
      .returning({ ticketId: agentRuns.ticketId });
    const ids = [...new Set(closed.map((c) => c.ticketId))];
    if (ids.length) {
      await tx
        .update(tickets)
        .set({ status: "new", updatedAt: new Date() })
        .where(and(inArray(tickets.id, ids), eq(tickets.status, "drafting")));
    }
    return closed.length;
  });
}
