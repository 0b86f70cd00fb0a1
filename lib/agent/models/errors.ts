import { APICallError } from "@ai-sdk/provider";
import { BrokenCircuitError, TaskCancelledError } from "cockatiel";
import { isDatabaseError } from "@/db/errors";
import { RUN_ERROR_KINDS, type RunErrorKind } from "@/db/schema";
import { ConfigError } from "@/lib/env";

export { RUN_ERROR_KINDS, type RunErrorKind };

/**
 * Why a model call failed, in four kinds that decide what happens next:
 * - configuration: the provider cannot be used as configured (missing key, unknown
 *   provider, HTTP 401/403/404). Never retried, never hidden behind the fallback model:
 *   the run says so and /api/health names the model and the problem.
 * - transient: the SDK's retryable errors (408, 409, 429, 5xx, unreachable) and timeouts.
 *   Retried with backoff; only these count against the circuit breaker and reach the
 *   fallback model.
 * - model: anything else the model or provider got wrong (other 4xx, unusable answers).
 *   Not retried; the run ends in the deterministic escalation.
 * - database: a step of the chain could not be stored. Not the model's fault: the run fails.
 */
export interface ModelFailure {
  kind: RunErrorKind;
  modelId: string;
  /** For the chain and the run: what went wrong (for a configuration error, what to set). */
  message: string;
  /** The provider's own words, for the chain only. */
  detail?: string;
  /** For operators (/api/health): our words only, never a provider's or a driver's text. */
  summary: string;
  statusCode?: number;
}

/** A write of the decision chain failed while a model call was being recorded. */
export class StepWriteError extends Error {
  override name = "StepWriteError";
  constructor(cause: unknown) {
    super("A step of the decision chain could not be stored: the database did not accept the write.", {
      cause,
    });
  }
}

const CONFIGURATION_STATUSES = new Set([401, 403, 404]);

/** The variable holding the key for a provider, for messages that say what to set. */
export function keyVariableOf(modelId: string): string {
  const provider = modelId.split(":")[0];
  if (provider === "anthropic") return "ANTHROPIC_API_KEY";
  if (provider === "openai") return "OPENAI_API_KEY";
  return "OPENAI_COMPATIBLE_API_KEY";
}

function statusSummary(modelId: string, status: number): string {
  if (status === 401)
    return `The provider refused the API key for ${modelId} (HTTP 401). Check ${keyVariableOf(modelId)}.`;
  if (status === 403)
    return `The API key may not use ${modelId} (HTTP 403). Check the key's permissions or pick another model.`;
  return `The provider does not know ${modelId} (HTTP 404). Check the model id and the provider's base URL.`;
}

function unwrap(error: unknown): unknown {
  // The breaker wraps nothing, but the SDK may wrap a provider's error once in `cause`.
  if (error instanceof Error && !APICallError.isInstance(error) && APICallError.isInstance(error.cause))
    return error.cause;
  return error;
}

function textOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True for failures worth retrying and answering with the fallback model. */
export function isTransient(error: unknown): boolean {
  const e = unwrap(error);
  if (e instanceof TaskCancelledError || e instanceof BrokenCircuitError) return true;
  if (APICallError.isInstance(e)) return e.isRetryable && !CONFIGURATION_STATUSES.has(e.statusCode ?? 0);
  return false;
}

export function classifyModelError(error: unknown, modelId: string): ModelFailure {
  const e = unwrap(error);
  if (e instanceof StepWriteError || isDatabaseError(e)) {
    return {
      kind: "database",
      modelId,
      message: textOf(e),
      summary: "The database did not accept a write of the decision chain.",
    };
  }
  if (e instanceof ConfigError)
    return { kind: "configuration", modelId, message: e.message, summary: e.message };
  if (APICallError.isInstance(e) && e.statusCode && CONFIGURATION_STATUSES.has(e.statusCode)) {
    const summary = statusSummary(modelId, e.statusCode);
    return {
      kind: "configuration",
      modelId,
      statusCode: e.statusCode,
      message: summary,
      detail: textOf(e).slice(0, 500),
      summary,
    };
  }
  if (e instanceof BrokenCircuitError) {
    const summary = `The circuit breaker for ${modelId}'s provider is open after repeated failed calls.`;
    return {
      kind: "transient",
      modelId,
      message: "the provider's circuit breaker is open after repeated failures",
      summary,
    };
  }
  if (e instanceof TaskCancelledError)
    return {
      kind: "transient",
      modelId,
      message: "timed out",
      summary: `${modelId} did not answer in time.`,
    };
  if (APICallError.isInstance(e)) {
    const status = e.statusCode ? `HTTP ${e.statusCode}` : "no response";
    const kind = isTransient(e) ? "transient" : "model";
    return {
      kind,
      modelId,
      statusCode: e.statusCode,
      message: textOf(e).slice(0, 500),
      summary:
        kind === "transient"
          ? `${modelId}'s provider failed (${status}); the call may succeed later.`
          : `${modelId}'s provider refused the request (${status}).`,
    };
  }
  return {
    kind: "model",
    modelId,
    message: textOf(e).slice(0, 500),
    summary: `${modelId} failed in a way retrying would not fix.`,
  };
}

/** The kind recorded on a run that failed outright: the database's or the configuration's fault, or none named. */
export function runErrorKind(error: unknown): RunErrorKind | null {
  const e = unwrap(error);
  if (e instanceof StepWriteError || isDatabaseError(e)) return "database";
  if (e instanceof ConfigError) return "configuration";
  return null;
}
