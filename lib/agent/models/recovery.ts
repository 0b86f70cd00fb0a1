import type { RunStatus } from "@/db/schema";
import type { StepRecord } from "../recorder";
import { classifyModelError, type ModelFailure } from "./errors";

/** What the run's drafting gave up on, for the deterministic escalation's text. */
export interface GiveUp {
  primary: string;
  primaryError: string;
  fallback?: string;
  fallbackError?: string;
}

export interface RecoveryInput<A extends { proposals: { payload: unknown }[] }> {
  primary: string;
  fallback: string;
  /** One drafting attempt with a model; throws when the model fails. */
  attempt: (modelId: string) => Promise<A>;
  /** The deterministic escalation, when no model could draft. */
  giveUp: (failed: GiveUp) => A;
  record: (step: StepRecord) => Promise<void>;
}

export interface Recovered<A> {
  result: A;
  status: RunStatus;
  /** Why the configured model did not draft (null when it did). */
  failure: ModelFailure | null;
}

/**
 * Drafts with the configured model and decides what a failure means:
 * - a transient failure (after its retries) is answered by the fallback model;
 * - a configuration failure ends the run as `failed` with the configuration
 *   named, and a deterministic escalation so a person still has the ticket;
 * - any other model failure ends in the deterministic escalation (`fell_back`);
 * - a database failure is rethrown: the run fails as a database error.
 */
export async function draftWithRecovery<A extends { proposals: { payload: unknown }[] }>(
  input: RecoveryInput<A>,
): Promise<Recovered<A>> {
  try {
    return { result: await input.attempt(input.primary), status: "succeeded", failure: null };
  } catch (primaryError) {
    const primary = classifyModelError(primaryError, input.primary);
    if (primary.kind === "database") throw primaryError;
    if (primary.kind !== "transient" || input.fallback === input.primary) {
      return giveUp(input, primary, { primary: input.primary, primaryError: primary.message });
    }
    await input.record({
      kind: "recovery",
      name: "fallback model",
      input: { failedModel: input.primary, error: primary.message },
      output: { nextModel: input.fallback },
    });
    try {
      return { result: await input.attempt(input.fallback), status: "fell_back", failure: primary };
    } catch (fallbackError) {
      const fallback = classifyModelError(fallbackError, input.fallback);
      if (fallback.kind === "database") throw fallbackError;
      return giveUp(input, fallback.kind === "configuration" ? fallback : primary, {
        primary: input.primary,
        primaryError: primary.message,
        fallback: input.fallback,
        fallbackError: fallback.message,
      });
    }
  }
}

async function giveUp<A extends { proposals: { payload: unknown }[] }>(
  input: RecoveryInput<A>,
  failure: ModelFailure,
  failed: GiveUp,
): Promise<Recovered<A>> {
  if (failure.kind === "configuration") {
    await input.record({
      kind: "error",
      name: "configuration",
      input: { model: failure.modelId, statusCode: failure.statusCode ?? null },
      output: { errorKind: failure.kind, error: failure.message, provider: failure.detail ?? null },
    });
  }
  const result = input.giveUp(failed);
  await input.record({
    kind: "recovery",
    name: "deterministic fallback",
    input: { errorKind: failure.kind },
    output: result.proposals[0]?.payload,
  });
  return { result, status: failure.kind === "configuration" ? "failed" : "fell_back", failure };
}
