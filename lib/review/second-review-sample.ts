import { createHash } from "node:crypto";

/**
 * Whether a decided action goes to a blind second reviewer: the first 32 bits
 * of the SHA-256 of its id, read as a fraction of 2^32, fall below the share.
 * Deterministic, so the same action is always in or out of the sample, and
 * independent of who decided or what.
 */
export function sampledForSecondReview(actionId: string, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  const bits = createHash("sha256").update(actionId).digest().readUInt32BE(0);
  return bits / 2 ** 32 < share;
}
