/**
 * How long a decision's message waits in the outbox before it may be sent.
 * Within this window the reviewer can undo the decision (lib/review/undo.ts)
 * and the message is removed; delivery refuses to claim a row before its
 * release time, so an undone approval is never delivered.
 */
export const UNDO_WINDOW_MS = 8_000;

export function releaseTimeFrom(decidedAt: Date, windowMs = UNDO_WINDOW_MS): Date {
  return new Date(decidedAt.getTime() + windowMs);
}
