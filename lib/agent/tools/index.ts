import { type Schema, type Tool, zodSchema } from "ai";
import { checkToolCall } from "@/lib/guardrails/evaluate";
import type { Rule, ToolName } from "@/lib/guardrails/rules";
import { LIMITS } from "../limits";
import type { Proposal } from "../types";
import type { ToolContext } from "./context";
import { draftReplyInput, draftReplyTool } from "./draft-reply";
import { escalateToHumanInput, escalateToHumanTool } from "./escalate-to-human";
import { getTicketHistoryInput, getTicketHistoryTool } from "./get-ticket-history";
import { issueRefundInput, issueRefundTool } from "./issue-refund";
import { lookupCustomerInput, lookupCustomerTool } from "./lookup-customer";
import { lookupOrdersInput, lookupOrdersTool } from "./lookup-orders";
import { TOOL_REFUSALS } from "./refusals";
import { searchKnowledgeBaseInput, searchKnowledgeBaseTool } from "./search-knowledge-base";
import { tracedTool } from "./traced";

export { classifyToolCall, TOOL_REFUSALS, type ToolRefusal } from "./refusals";

/** Each tool's argument schema, for checking what the model sent before the SDK does. */
export const TOOL_INPUTS = {
  search_knowledge_base: searchKnowledgeBaseInput,
  lookup_customer: lookupCustomerInput,
  lookup_orders: lookupOrdersInput,
  get_ticket_history: getTicketHistoryInput,
  draft_reply: draftReplyInput,
  escalate_to_human: escalateToHumanInput,
  issue_refund: issueRefundInput,
} as const;

/** The same schemas as the SDK sends and checks them: converted to JSON Schema once, not on every model call. */
const TOOL_SCHEMAS: Record<ToolName, Schema> = {
  search_knowledge_base: zodSchema(searchKnowledgeBaseInput),
  lookup_customer: zodSchema(lookupCustomerInput),
  lookup_orders: zodSchema(lookupOrdersInput),
  get_ticket_history: zodSchema(getTicketHistoryInput),
  draft_reply: zodSchema(draftReplyInput),
  escalate_to_human: zodSchema(escalateToHumanInput),
  issue_refund: zodSchema(issueRefundInput),
};

export type { ToolContext } from "./context";

const PROPOSAL_KIND: Partial<Record<ToolName, Proposal["kind"]>> = {
  draft_reply: "reply",
  escalate_to_human: "escalation",
  issue_refund: "refund",
};

export interface Refusal {
  refused: true;
  rule: string;
  reason: string;
  instruction: string;
}

/**
 * The guardrail gate: wraps every tool's execute and applies the policy in
 * code, whatever the model asked for. A blocked call is recorded as a
 * guardrail step, kept as a blocked action for the reviewer, and answered
 * with a refusal the model can read.
 */
function gated(ctx: ToolContext, rules: Rule[], name: ToolName, original: Tool): Tool {
  const execute = original.execute;
  if (!execute) throw new Error(`Tool ${name} has no execute`);
  return {
    ...original,
    inputSchema: TOOL_SCHEMAS[name],
    execute: async (input: unknown, options: Parameters<typeof execute>[1]) => {
      const size = JSON.stringify(input ?? null).length;
      if (size > LIMITS.toolArgs) {
        const reason = `The arguments are ${size} characters; at most ${LIMITS.toolArgs} are accepted.`;
        await ctx.recorder.record({
          kind: "guardrail",
          name: TOOL_REFUSALS.oversized,
          input: { tool: name, chars: size },
          output: { blocked: true, rule: "Tool arguments size", reason },
        });
        return { refused: true, rule: "Tool arguments size", reason, instruction: "Send shorter arguments." };
      }
      const decision = checkToolCall(rules, name, input, {
        steps: ctx.recorder.totals.modelCalls,
        tokens: ctx.recorder.totals.inputTokens + ctx.recorder.totals.outputTokens,
      });
      if (!decision.allowed) {
        const refusal: Refusal = {
          refused: true,
          rule: decision.ruleName,
          reason: decision.reason,
          instruction:
            "Policy does not allow this. Do not promise it to the customer; escalate to a person instead.",
        };
        await ctx.recorder.record({
          kind: "guardrail",
          name: decision.ruleId,
          input: { tool: name, input },
          output: {
            blocked: true,
            rule: decision.ruleName,
            explanation: decision.explanation,
            reason: decision.reason,
          },
        });
        const kind = PROPOSAL_KIND[name];
        if (kind) {
          ctx.blocked.push({
            kind,
            payload: input,
            blockedBy: decision.ruleId,
            blockedReason: `${decision.ruleName}: ${decision.explanation}`,
          } as Proposal & { blockedBy: string; blockedReason: string });
        }
        return refusal;
      }
      const started = performance.now();
      try {
        const output = await execute(input, options);
        await ctx.recorder.record({
          kind: "tool_call",
          name,
          input,
          output,
          latencyMs: performance.now() - started,
        });
        return output;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await ctx.recorder.record({
          kind: "error",
          name,
          input,
          output: { error: message },
          latencyMs: performance.now() - started,
        });
        return { error: `The tool failed: ${message}` };
      }
    },
  } as Tool;
}

export function buildTools(
  ctx: ToolContext,
  rules: Rule[],
  currentModel: () => string,
): Record<ToolName, Tool> {
  const tools: Record<ToolName, Tool> = {
    search_knowledge_base: searchKnowledgeBaseTool(ctx),
    lookup_customer: lookupCustomerTool(ctx),
    lookup_orders: lookupOrdersTool(ctx),
    get_ticket_history: getTicketHistoryTool(ctx),
    draft_reply: draftReplyTool(ctx, currentModel),
    escalate_to_human: escalateToHumanTool(ctx),
    issue_refund: issueRefundTool(ctx),
  };
  for (const name of Object.keys(tools) as ToolName[])
    tools[name] = tracedTool(name, gated(ctx, rules, name, tools[name]));
  return tools;
}
