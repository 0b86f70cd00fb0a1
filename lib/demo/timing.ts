/** When things happened in the demo history: deterministic per ticket, whatever the run order. */

export const MINUTE_MS = 60_000;

/**
 * A small deterministic hash of a string (FNV-1a, 32 bits), so the same
 * ticket always gets the same delays and reviewer whatever the run order.
 */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The agent picked a ticket up 2 to 30 minutes after it arrived. */
export function runDelayMs(externalId: string): number {
  return (2 + (hash(`run:${externalId}`) % 29)) * MINUTE_MS;
}

/**
 * A ticket left waiting for review was drafted 3 to 210 minutes before now: a live queue, spread
 * over the last few hours and under the default group's SLA target, so the SLA sweep has nothing
 * to move or escalate when the demo starts (the decided history stays spread over the 30 days).
 */
export function pendingAgeMs(externalId: string): number {
  return (3 + (hash(`pending:${externalId}`) % 208)) * MINUTE_MS;
}

/** A person decided 10 minutes to 20 hours after the draft, log-uniformly (most within a few hours). */
export function reviewDelayMs(key: string): number {
  const u = (hash(`review:${key}`) % 10_000) / 10_000;
  return Math.round(10 * MINUTE_MS * Math.exp(u * Math.log(120)));
}
