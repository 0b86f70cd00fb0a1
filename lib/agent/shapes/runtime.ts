import { generateText, isStepCount, type ModelMessage, type Tool, type ToolSet } from "ai";
import type { ZodType } from "zod";
import type { Db } from "@/db";
import { amountsInText, requiresCitations, ticketEscalations } from "@/lib/guardrails/evaluate";
import type { ToolName } from "@/lib/guardrails/rules";
import { modelTelemetry } from "@/lib/telemetry/genai";
import { FACTS_READ_STEP, factsRead } from "../cache";
import { type VerificationRound, verificationStep } from "../chain";
import { withGrounding } from "../grounding";
import type { Exhausted } from "../invariants";
import { LIMITS } from "../limits";
import type { ModelSettings } from "../models";
import { DEFAULT_RESILIENCE, resilientModel } from "../models/resilience";
import { plannerInstructions } from "../prompt";
import { type Attempt, type AttemptInput, budgetMeter, safeValid } from "../run-attempt";
import { type CallLog, recordModelCall } from "../run-chain";
import { buildTools, TOOL_INPUTS, type ToolContext } from "../tools";
import { emptyRetrieved } from "../types";
import { type CheckResult, verify } from "../verify";
import { roleModel } from "./models";
import { ROLE_SETTINGS, type Role, roleInstructions } from "./roles";

export interface ShapeInput extends AttemptInput {
  models: ModelSettings;
  /** The router's pick for roles whose setting is "routed". */
  routed: string;
}

/**
 * What every stage and team agent of one attempt shares: the tool context
 * (what was retrieved and proposed), the guardrail gate, the one budget meter
 * over the whole run, and code verification. Roles differ only in their
 * instructions, model and the tools they are offered.
 */
export function createRuntime(db: Db, input: ShapeInput, fallback: string | null) {
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
  const meter = budgetMeter(recorder, rules, input.wallTimeMs ?? LIMITS.wallTimeMs);
  const planner = plannerInstructions({
    policyInstructions: input.instructions,
    requiredEscalations: input.required,
    guidance: input.guidance,
  });
  let currentModel = input.modelId;
  const gate = buildTools(ctx, rules, () => currentModel);
  const extraInputs: Record<string, ZodType> = {};

  const model = (role: Role) => {
    const modelId = roleModel(role, input.models, input.routed, fallback);
    return {
      modelId,
      model: resilientModel(
        input.resolve(modelId),
        modelId,
        {
          onCall: (call) => recordModelCall(recorder, call, log, { ...TOOL_INPUTS, ...extraInputs }),
          onRetry: (info) =>
            recorder.record({
              kind: "recovery",
              name: `retry ${info.attempt}`,
              input: { model: info.modelId, error: info.error },
              output: { backoffMs: info.delayMs },
            }),
        },
        input.resilience ?? DEFAULT_RESILIENCE,
      ),
    };
  };

  /** One role's turn: its instructions, its model, only its tools (each behind the gate), its step cap. */
  const turn = async (
    role: Role,
    messages: ModelMessage[],
    extra: Record<string, Tool> = {},
    stop: () => boolean = () => false,
  ) => {
    const setting = ROLE_SETTINGS[role];
    const { model: m, modelId } = model(role);
    currentModel = modelId;
    const tools: ToolSet = { ...extra };
    for (const name of setting.tools) tools[name] = gate[name as ToolName];
    const result = await generateText({
      model: m,
      instructions: roleInstructions(role, planner),
      messages,
      ...(Object.keys(tools).length ? { tools } : {}),
      stopWhen: [isStepCount(Math.max(1, setting.maxSteps)), meter.stop, stop],
      maxRetries: 0,
      telemetry: modelTelemetry(`countersign.agent.${role}`),
    });
    return result;
  };

  /** Code verification of everything proposed so far, recorded as one round. */
  const check = async (round: VerificationRound): Promise<CheckResult[]> => {
    const refundAmounts = [...ctx.proposals, ...ctx.blocked].flatMap((p) =>
      p.kind === "refund" ? [p.payload.amountCents] : [],
    );
    const results = verify({
      proposals: ctx.proposals,
      blocked: ctx.blocked,
      retrieved: ctx.retrieved,
      requiredEscalations: ticketEscalations(rules, input.facts, refundAmounts),
      citationsRequired: Boolean(requiresCitations(rules)),
      ticketDates: [input.ticket.createdAt.toISOString().slice(0, 10)],
      ticketAmounts: amountsInText(input.facts.text),
      ownEmails: [input.ticket.fromEmail, input.ticket.customer?.email ?? ""].filter(Boolean),
      instructions: planner,
      customerText: `${input.ticket.subject}\n${input.ticket.body}`,
    });
    for (const r of results) await recorder.record(verificationStep(r.check, round, r));
    return results;
  };

  const notes = () => [
    ...(log.refusals.length ? [`Refused tool calls: ${log.refusals.slice(0, 3).join("; ")}.`] : []),
    ...(log.lastText ? [`The model's last words: “${log.lastText}”.`] : []),
  ];

  /** The attempt's result, exactly as the loop hands it to the invariants. */
  const done = async (exhausted: Exhausted | null, modelId: string): Promise<Attempt> => {
    await recorder.record({ kind: "cache", name: FACTS_READ_STEP, output: factsRead(ctx.retrieved) });
    return {
      modelId,
      proposals: ctx.proposals.flatMap((p) => {
        const parsed = safeValid(p);
        return parsed ? [withGrounding(parsed, ctx.retrieved)] : [];
      }),
      blocked: ctx.blocked,
      exhausted,
      notes: notes(),
    };
  };

  return { ctx, meter, turn, check, done, extraInputs, modelOf: (role: Role) => model(role).modelId };
}

export type Runtime = ReturnType<typeof createRuntime>;
