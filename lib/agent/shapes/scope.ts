import type { StepRecorder } from "../recorder";
import type { Role } from "./roles";

/** A stage or team agent that failed: recovery names it in the escalation. */
export class ScopeFailure extends Error {
  override name = "ScopeFailure";
  constructor(
    readonly scope: Role,
    readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** What a stage or team agent spent: its own sub-chain's totals. */
export interface ScopeTotals {
  steps: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  ms: number;
}

/**
 * Runs one stage or team agent with its steps recorded under its name (nested
 * in the scope that called it), then records a `scope` step with its totals
 * and outcome. A failure is recorded, then rethrown as a ScopeFailure naming
 * the innermost scope that failed.
 */
export async function inScope<T>(
  recorder: StepRecorder,
  role: Role,
  fn: () => Promise<T>,
  outcome: (result: T) => Record<string, unknown> = () => ({}),
): Promise<T> {
  const outer = recorder.scope;
  const before = { ...recorder.totals, steps: recorder.steps };
  const started = performance.now();
  recorder.scope = { name: role, parent: outer?.name ?? null };
  const totals = (): ScopeTotals => ({
    steps: recorder.steps - before.steps,
    modelCalls: recorder.totals.modelCalls - before.modelCalls,
    inputTokens: recorder.totals.inputTokens - before.inputTokens,
    outputTokens: recorder.totals.outputTokens - before.outputTokens,
    costMicroUsd: recorder.totals.costMicroUsd - before.costMicroUsd,
    ms: Math.round(performance.now() - started),
  });
  try {
    const result = await fn();
    await recorder.record({
      kind: "scope",
      name: role,
      output: { totals: totals(), ok: true, ...outcome(result) },
      latencyMs: performance.now() - started,
    });
    return result;
  } catch (error) {
    const failure = error instanceof ScopeFailure ? error : new ScopeFailure(role, error);
    await recorder
      .record({
        kind: "scope",
        name: role,
        output: {
          totals: totals(),
          ok: false,
          failedScope: failure.scope,
          error: failure.message.slice(0, 500),
        },
        latencyMs: performance.now() - started,
      })
      .catch(() => undefined);
    throw failure;
  } finally {
    recorder.scope = outer;
  }
}
