import type { TelemetryOptions } from "ai";
import { capturesMessageContent, tracingActive } from "./spans";

/**
 * The AI SDK's telemetry settings for one model call: off unless tracing is on
 * (no events, not even on the SDK's diagnostics channel); prompts and
 * completions (customer text) are recorded only when
 * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true.
 */
export function modelTelemetry(functionId: string): TelemetryOptions {
  const capture = capturesMessageContent();
  return { isEnabled: tracingActive(), functionId, recordInputs: capture, recordOutputs: capture };
}
