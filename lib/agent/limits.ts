/**
 * Size caps of one run, enforced in code whatever the model sends. Whatever is
 * cut says so: stored step data is replaced by a marked preview, model text by
 * its first characters and a `truncated` flag.
 */
export const LIMITS = {
  /** Characters of model text kept per model step in the chain. */
  modelTextPerStep: 4_000,
  /** Characters of one stored step input or output (as JSON). */
  storedStepJson: 64_000,
  /** Characters a preview of a cut step keeps. */
  storedPreview: 2_000,
  /** Characters of a reply draft (the draft_reply schema refuses longer ones). */
  draftText: 10_000,
  /** Characters of one tool call's arguments. */
  toolArgs: 12_000,
  /** Proposals (pending and blocked) one run may leave. */
  proposalsPerRun: 5,
  /** Wall time of one run's planning, in milliseconds. */
  wallTimeMs: 120_000,
  /** Milliseconds a recorded step waits at most before its batch is stored (the ticket page shows the chain live). */
  stepFlushMs: 500,
} as const;

/** A JSON value cut to `max` characters, marked as cut. Small values pass unchanged. */
export function capJson(value: unknown, max: number = LIMITS.storedStepJson): unknown {
  if (value === undefined || value === null) return value ?? null;
  const json = JSON.stringify(value) ?? "";
  if (json.length <= max) return value;
  return { truncated: true, chars: json.length, preview: json.slice(0, LIMITS.storedPreview) };
}

/** Text cut to `max` characters, with whether it was cut. */
export function capText(text: string, max: number): { text: string; truncated: boolean; chars: number } {
  return text.length <= max
    ? { text, truncated: false, chars: text.length }
    : { text: text.slice(0, max), truncated: true, chars: text.length };
}
