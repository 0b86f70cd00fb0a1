import type { LanguageModelV4 } from "@ai-sdk/provider";
import { generateText, isStepCount, type ModelMessage, type StopCondition, type ToolSet } from "ai";
import type { Db } from "@/db";
import {
  amountsInText,
  budgetOf,
  type FiredRule,
  requiresCitations,
  type TicketFacts,
  ticketEscalations,
} from "@/lib/guardrails/evaluate";
import type { Rule } from "@/lib/guardrails/rules";
import { modelTelemetry } from "@/lib/telemetry/genai";
import { FACTS_READ_STEP, factsRead } from "./cache";
import { type VerificationRound, verificationBlockFields, verificationStep } from "./chain";
import { withGrounding } from "./grounding";
import type { Exhausted } from "./invariants";
import { LIMITS } from "./limits";
import { DEFAULT_RESILIENCE, type ResilienceOptions, resilientModel } from "./models/resilience";
import {
  plannerInstructions,
  REFLECTION_MARKER,
  reflectionPrompt,
  ticketMessage,
  VERIFICATION_FAILED,
} from "./prompt";
import type { StepRecorder } from "./recorder";
import { readVerdict } from "./reflection";
import { type CallLog, recordModelCall } from "./run-chain";
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

export interface Attempt {
  modelId: string;
  proposals: Proposal[];
  blocked: BlockedProposal[];
  /** The budget that ran out, if one did. */
  exhausted: Exhausted | null;
  /** What went wrong, in words, for an escalation when nothing actionable is left. */
  notes: string[];
}

export interface AttemptInput {
  modelId: string;
  resolve: (modelId: string) => LanguageModelV4;
  ticket: TicketInput;
  rules: Rule[];
  instructions: string;
  required: FiredRule[];
  facts: TicketFacts;
  recorder: StepRecorder;
  guidance?: string | null;
  resilience?: ResilienceOptions;
  /** Wall-time budget of the planning, in milliseconds. */
  wallTimeMs?: number;
}

function validProposal(p: Proposal): Proposal {
  if (p.kind === "reply") return { kind: "reply", payload: replyPayloadSchema.parse(p.payload) };
  if (p.kind === "escalation")
    return { kind: "escalation", payload: escalationPayloadSchema.parse(p.payload) };
  return { kind: "refund", payload: refundPayloadSchema.parse(p.payload) };
}

/** Which budget (steps, tokens, wall time) this attempt has used up, if any. */
export function budgetMeter(recorder: StepRecorder, rules: Rule[], wallTimeMs: number) {
  const budget = budgetOf(rules);
  const started = performance.now();
  const exhausted = (): Exhausted | null => {
    if (recorder.totals.modelCalls > budget.maxSteps)
      return { budget: "steps", limit: budget.maxSteps, used: recorder.totals.modelCalls };
    const tokens = recorder.totals.inputTokens + recorder.totals.outputTokens;
    if (tokens > budget.maxTokens) return { budget: "tokens", limit: budget.maxTokens, used: tokens };
    const elapsed = Math.round(performance.now() - started);
    if (elapsed > wallTimeMs) return { budget: "wall time", limit: wallTimeMs, used: elapsed };
    return null;
  };
  const stop: StopCondition<ToolSet> = () => exhausted() !== null;
  return { budget, exhausted, stop };
}

/** The step budget ran out when the loop stopped at its step count while the model was still calling tools. */
function stepsExhausted(
  steps: { finishReason: string; toolCalls: readonly unknown[] }[],
  maxSteps: number,
): Exhausted | null {
  const last = steps.at(-1);
  const unfinished = last && (last.finishReason !== "stop" || last.toolCalls.length > 0);
  return steps.length >= maxSteps && unfinished
    ? { budget: "steps", limit: maxSteps, used: steps.length }
    : null;
}

/** One pass of plan -> tools -> reflection -> verification (-> one repair) with one model. Throws on model failure. */
export async function attemptDraft(db: Db, input: AttemptInput): Promise<Attempt> {
  const { recorder, rules } = input;
  const ctx: ToolContext = {
    db,
    ticket: input.ticket,
    retrieved: emptyRetrieved(),
    proposals: [],
    blocked: [],
    recorder,
  };
  const log: CallLog = { refusals: [], lastText: "" };
  const model = resilientModel(
    input.resolve(input.modelId),
    input.modelId,
    {
      onCall: (call) => recordModelCall(recorder, call, log),
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
  const meter = budgetMeter(recorder, rules, input.wallTimeMs ?? LIMITS.wallTimeMs);
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
    stopWhen: [isStepCount(meter.budget.maxSteps), meter.stop],
    maxRetries: 0,
    telemetry: modelTelemetry("countersign.agent.plan"),
  });
  const notes = () => [
    ...(log.refusals.length ? [`Refused tool calls: ${log.refusals.slice(0, 3).join("; ")}.`] : []),
    ...(log.lastText ? [`The model's last words: “${log.lastText}”.`] : []),
  ];
  const exhaustedFirst = meter.exhausted() ?? stepsExhausted(first.steps, meter.budget.maxSteps);
  if (exhaustedFirst) return done(exhaustedFirst);

  // The model's own review of its draft: a "revise" verdict earns the draft one revision round.
  const reply = ctx.proposals.find((p) => p.kind === "reply");
  let revise: string[] | null = null;
  if (reply) {
    const facts = [...ctx.retrieved.articles.keys()]
      .map((s) => `article ${s}`)
      .concat([...ctx.retrieved.orders.keys()].map((n) => `order ${n}`));
    const reflection = await generateText({
      model,
      instructions: REFLECTION_MARKER,
      prompt: reflectionPrompt(reply.payload.text, facts.join("\n") || "none"),
      maxRetries: 0,
      telemetry: modelTelemetry("countersign.agent.reflect"),
    });
    const verdict = readVerdict(reflection.text);
    if (verdict?.verdict === "revise") {
      revise = verdict.notes;
      await recorder.record({
        kind: "reflection",
        name: "verdict: revise",
        output: { notes: verdict.notes },
      });
    }
  }

  const check = async (round: VerificationRound): Promise<CheckResult[]> => {
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
      ownEmails: [input.ticket.fromEmail, input.ticket.customer?.email ?? ""].filter(Boolean),
      instructions,
      customerText: `${input.ticket.subject}\n${input.ticket.body}`,
    });
    for (const r of results) {
      await recorder.record(verificationStep(r.check, round, r));
    }
    return results;
  };

  let failed = failedChecks(await check("first"));
  if (failed.length > 0 || revise) {
    const feedback = `${VERIFICATION_FAILED} ${[
      ...failed.map((f) => `${f.check}: ${f.detail}`),
      ...(revise ? [`reflection: ${revise.join(" ") || "revise the draft"}`] : []),
    ].join(" ")}`;
    setAsideFailedReplies(ctx, failed);
    await generateText({
      model,
      instructions,
      messages: [...messages, ...first.response.messages, { role: "user", content: feedback }],
      tools,
      stopWhen: [isStepCount(3), meter.stop],
      maxRetries: 0,
      telemetry: modelTelemetry("countersign.agent.repair"),
    });
    const exhaustedRepair = meter.exhausted();
    if (exhaustedRepair) return done(exhaustedRepair);
    failed = failedChecks(await check("repair"));
    if (failed.length > 0) {
      setAsideFailedReplies(ctx, failed);
      const required = ticketEscalations(rules, input.facts);
      const reason =
        `Verification failed after one repair: ${failed.map((f) => `${f.check} (${f.detail})`).join("; ")}`.slice(
          0,
          2_000,
        );
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
  return done(null);

  async function done(exhausted: Exhausted | null): Promise<Attempt> {
    await recorder.record({ kind: "cache", name: FACTS_READ_STEP, output: factsRead(ctx.retrieved) });
    return {
      modelId: input.modelId,
      proposals: ctx.proposals.flatMap((p) => {
        const parsed = safeValid(p);
        return parsed ? [withGrounding(parsed, ctx.retrieved)] : [];
      }),
      blocked: ctx.blocked,
      exhausted,
      notes: notes(),
    };
  }
}

export function safeValid(p: Proposal): Proposal | null {
  try {
    return validProposal(p);
  } catch {
    return null;
  }
}

/** A reply that failed verification is kept for the reviewer as blocked, naming the failed checks. */
export function setAsideFailedReplies(ctx: ToolContext, failed: CheckResult[]) {
  const replyChecks = failed.filter((f) => f.check !== "required_escalations");
  if (replyChecks.length === 0) return;
  for (const p of ctx.proposals.filter((p) => p.kind === "reply")) {
    ctx.blocked.push({
      ...p,
      ...verificationBlockFields(
        replyChecks.map((f) => f.check),
        replyChecks.map((f) => f.detail),
      ),
    });
  }
  ctx.proposals.splice(0, ctx.proposals.length, ...ctx.proposals.filter((p) => p.kind !== "reply"));
}
