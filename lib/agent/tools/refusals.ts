import type { ZodType } from "zod";
import { LIMITS } from "../limits";

/**
 * Tool calls refused before they run. Each is a `guardrail` step with this
 * name, so it counts in the per-rule figures like a policy rule.
 */
export const TOOL_REFUSALS = {
  unknown: "tool:unknown",
  invalid: "tool:invalid-arguments",
  oversized: "tool:oversized-arguments",
} as const;
export type ToolRefusal = (typeof TOOL_REFUSALS)[keyof typeof TOOL_REFUSALS];

/**
 * Why a tool call the model sent cannot run, or null when it can: a tool that
 * does not exist, arguments that are not valid JSON or fail the tool's
 * schema, or arguments above the size cap.
 */
export function classifyToolCall(
  inputs: Record<string, ZodType>,
  toolName: string,
  rawInput: unknown,
): { refusal: ToolRefusal; reason: string } | null {
  const schema = Object.hasOwn(inputs, toolName) ? inputs[toolName] : undefined;
  if (!schema)
    return { refusal: TOOL_REFUSALS.unknown, reason: `There is no tool named “${toolName.slice(0, 80)}”.` };
  const raw = typeof rawInput === "string" ? rawInput : JSON.stringify(rawInput ?? null);
  // Valid arguments above the cap are refused by the gate when the call runs.
  const oversized = raw.length > LIMITS.toolArgs;
  let parsed: unknown;
  try {
    parsed = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    return oversized
      ? {
          refusal: TOOL_REFUSALS.oversized,
          reason: `The arguments are ${raw.length} characters; at most ${LIMITS.toolArgs} are accepted.`,
        }
      : { refusal: TOOL_REFUSALS.invalid, reason: "The arguments are not valid JSON." };
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    if (oversized)
      return {
        refusal: TOOL_REFUSALS.oversized,
        reason: `The arguments are ${raw.length} characters; at most ${LIMITS.toolArgs} are accepted.`,
      };
    const issue = result.error.issues[0];
    return {
      refusal: TOOL_REFUSALS.invalid,
      reason: `Invalid arguments: ${issue ? `${issue.path.join(".") || "input"}: ${issue.message}` : "schema mismatch"}.`,
    };
  }
  return null;
}
