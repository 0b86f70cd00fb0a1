import { capText, LIMITS } from "./limits";
import type { ModelCall } from "./models/resilience";
import type { StepRecorder } from "./recorder";
import { classifyToolCall, TOOL_INPUTS } from "./tools";

/** Refused tool calls and the model's last words, for the escalation when nothing else is left. */
export interface CallLog {
  refusals: string[];
  lastText: string;
}

/**
 * Stores one model call as a `plan` or `reflection` step (text capped and
 * marked when cut), then one `guardrail` step per tool call that cannot run:
 * unknown tool, invalid or oversized arguments.
 */
export async function recordModelCall(
  recorder: StepRecorder,
  call: ModelCall,
  log: CallLog,
  inputs: Parameters<typeof classifyToolCall>[0] = TOOL_INPUTS,
): Promise<void> {
  const planning = Boolean(call.params.tools?.length);
  await recorder.record({
    kind: planning ? "plan" : "reflection",
    name: planning ? `plan ${recorder.totals.modelCalls + 1}` : "reflection",
    input: { messages: call.params.prompt.length, last: lastMessageSummary(call.params.prompt.at(-1)) },
    output: call.result.content.map((c) => {
      if (c.type === "text") {
        const cut = capText(c.text, LIMITS.modelTextPerStep);
        return cut.truncated ? { text: cut.text, truncated: true, chars: cut.chars } : { text: cut.text };
      }
      if (c.type === "tool-call") {
        const raw = c.input;
        return raw.length > LIMITS.storedPreview
          ? {
              tool: c.toolName,
              input: raw.slice(0, LIMITS.storedPreview),
              truncated: true,
              chars: raw.length,
            }
          : { tool: c.toolName, input: safeParse(c.input) };
      }
      return { type: c.type };
    }),
    model: call.modelId,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    costMicroUsd: call.costMicroUsd,
    latencyMs: call.latencyMs,
  });
  if (!planning) return;
  for (const c of call.result.content) {
    if (c.type === "text") log.lastText = c.text.slice(0, 200);
    if (c.type !== "tool-call") continue;
    const toolName = c.toolName;
    const refused = classifyToolCall(inputs, toolName, c.input);
    if (!refused) continue;
    log.refusals.push(`${toolName.slice(0, 80)}: ${refused.reason}`);
    await recorder.record({
      kind: "guardrail",
      name: refused.refusal,
      input: { tool: toolName.slice(0, 200), input: c.input.slice(0, LIMITS.storedPreview) },
      output: { blocked: true, rule: refused.refusal, reason: refused.reason },
    });
  }
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
