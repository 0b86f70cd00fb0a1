import type { Tool } from "ai";
import type { ToolName } from "@/lib/guardrails/rules";
import { withSpan } from "@/lib/telemetry/spans";

/**
 * A `countersign.tool.<name>` span around a tool's guarded execute, marked when
 * the guardrail gate refused the call (a no-op span when tracing is off).
 */
export function tracedTool(name: ToolName, tool: Tool): Tool {
  const execute = tool.execute;
  if (!execute) return tool;
  return {
    ...tool,
    execute: (input: unknown, options: Parameters<typeof execute>[1]) =>
      withSpan(`countersign.tool.${name}`, { attributes: { "gen_ai.tool.name": name } }, async (span) => {
        const output: unknown = await execute(input, options);
        const refused = typeof output === "object" && output !== null && "refused" in output;
        span.setAttribute("countersign.tool.refused", refused);
        return output;
      }),
  } as Tool;
}
