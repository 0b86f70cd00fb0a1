import { DrizzleQueryError } from "drizzle-orm";

/** True when a database error (either driver, possibly wrapped by Drizzle) is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  return hasSqlState(error, "23505");
}

/** True when a database error (either driver, possibly wrapped by Drizzle) is a not-null violation. */
export function isNotNullViolation(error: unknown): boolean {
  return hasSqlState(error, "23502");
}

function hasSqlState(error: unknown, code: string): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === code) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Connection-level failures of either driver (postgres.js codes and Node's socket errors). */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
]);

/**
 * True when an error came from the database (a server error with an SQLSTATE, a
 * query Drizzle wrapped, or a lost connection), possibly wrapped in `cause`.
 */
export function isDatabaseError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { name?: unknown; code?: unknown; severity?: unknown };
    if (current instanceof DrizzleQueryError || e.name === "PostgresError") return true;
    if (typeof e.code === "string" && CONNECTION_CODES.has(e.code)) return true;
    // A server error carries a five-character SQLSTATE and a severity.
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === "string")
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
