import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
} from "@ai-sdk/provider";
import { wrapLanguageModel } from "ai";
import {
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import { costMicroUsd } from "../prices";
import { isTransient, StepWriteError } from "./errors";
import { providerOf } from "./index";

export interface ResilienceOptions {
  timeoutMs: number;
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  breakerThreshold: number;
  halfOpenAfterMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 30_000,
  maxAttempts: 3,
  initialDelayMs: 250,
  maxDelayMs: 4_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
};

export interface ModelCall {
  modelId: string;
  params: LanguageModelV4CallOptions;
  result: LanguageModelV4GenerateResult;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  latencyMs: number;
}

export interface ModelObserver {
  onCall(call: ModelCall): Promise<void>;
  onRetry(info: { modelId: string; attempt: number; error: string; delayMs: number }): Promise<void>;
}

const breakers = new Map<string, CircuitBreakerPolicy>();

/**
 * One circuit breaker per provider, shared by every run in this process. It
 * counts calls (a call that failed after its retries is one failure), and only
 * transient failures: a misconfigured provider is reported as such, not as an
 * open circuit.
 */
export function breakerFor(provider: string, options: ResilienceOptions): CircuitBreakerPolicy {
  let breaker = breakers.get(provider);
  if (!breaker) {
    breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    breakers.set(provider, breaker);
  }
  return breaker;
}

export function resetBreakers(): void {
  breakers.clear();
}

function errorText(error: unknown): string {
  if (error instanceof TaskCancelledError) return "timed out";
  return error instanceof Error ? error.message : String(error);
}

/** Runs an observer's write; a failure is the database's, never the model's. */
async function stored(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    throw new StepWriteError(error);
  }
}

/**
 * Wraps a model so every call is timed out, retried with exponential backoff
 * and jitter when the failure is transient (never a 4xx: see errors.ts), and
 * counted once against its provider's circuit breaker (cockatiel), then
 * reported to the observer with tokens, cost and latency.
 */
export function resilientModel(
  model: LanguageModelV4,
  modelId: string,
  observer: ModelObserver,
  options: ResilienceOptions = DEFAULT_RESILIENCE,
): LanguageModelV4 {
  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: "v4",
      wrapGenerate: async ({ model: inner, params }) => {
        const retryPolicy = retry(handleWhen(isTransient), {
          maxAttempts: options.maxAttempts - 1,
          backoff: new ExponentialBackoff({
            initialDelay: options.initialDelayMs,
            maxDelay: options.maxDelayMs,
          }),
        });
        const pending: Promise<void>[] = [];
        retryPolicy.onRetry((event) => {
          const error = "error" in event ? errorText(event.error) : "bad result";
          pending.push(
            stored(
              observer.onRetry({ modelId, attempt: event.attempt, error, delayMs: Math.round(event.delay) }),
            ),
          );
        });
        // The breaker is outside the retries: it sees one outcome per call.
        const policy = wrap(
          breakerFor(providerOf(modelId), options),
          retryPolicy,
          timeout(options.timeoutMs, TimeoutStrategy.Aggressive),
        );
        let answered: { result: LanguageModelV4GenerateResult; latencyMs: number };
        try {
          answered = await policy.execute(async ({ signal }) => {
            const started = performance.now();
            // The timeout's signal reaches the provider, so a timed-out request is cancelled.
            const abortSignal = params.abortSignal ? AbortSignal.any([params.abortSignal, signal]) : signal;
            const result = await inner.doGenerate({ ...params, abortSignal });
            // An attempt that already timed out was retried or given up on: its late answer is not a step.
            signal.throwIfAborted();
            return { result, latencyMs: performance.now() - started };
          });
        } finally {
          await Promise.all(pending);
        }
        const { result, latencyMs } = answered;
        const inputTokens = result.usage.inputTokens.total ?? 0;
        const outputTokens = result.usage.outputTokens.total ?? 0;
        await stored(
          observer.onCall({
            modelId,
            params,
            result,
            inputTokens,
            outputTokens,
            costMicroUsd: costMicroUsd(modelId, inputTokens, outputTokens),
            latencyMs,
          }),
        );
        return result;
      },
    },
  });
}
