import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rateLimits } from "@/db/schema";

/**
 * Fixed-window counters and blocks in PostgreSQL (table `rate_limits`), so
 * every app instance sees the same counts: one atomic upsert per hit, on both
 * drivers (postgres.js and PGlite). The clock is passed in (the app's time),
 * so a test can move it.
 */

export interface Counter {
  points: number;
  windowEndsAt: Date;
  blockedUntil: Date | null;
}

/** The database or a transaction. */
type Executor = Pick<Db, "insert" | "update" | "select" | "delete">;

const seconds = (n: number) => sql`make_interval(secs => ${n})`;

/** Counts one hit on `key` in a window of `windowSeconds` (a new window starts when the last one ended). */
export async function hit(db: Executor, key: string, windowSeconds: number, now: Date): Promise<Counter> {
  const expired = sql`${rateLimits.windowEndsAt} <= ${now.toISOString()}::timestamptz`;
  const [row] = await db
    .insert(rateLimits)
    .values({
      key,
      points: 1,
      windowEndsAt: sql`${now.toISOString()}::timestamptz + ${seconds(windowSeconds)}`,
    })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        points: sql`case when ${expired} then 1 else ${rateLimits.points} + 1 end`,
        windowEndsAt: sql`case when ${expired} then ${now.toISOString()}::timestamptz + ${seconds(windowSeconds)} else ${rateLimits.windowEndsAt} end`,
      },
    })
    .returning();
  if (!row) throw new Error(`rate limit upsert returned no row for ${key}`);
  return row;
}

/** Refuses `key` until `until` (a later block is never shortened). */
export async function block(db: Executor, key: string, until: Date): Promise<void> {
  await db
    .update(rateLimits)
    .set({
      blockedUntil: sql`greatest(coalesce(${rateLimits.blockedUntil}, ${until.toISOString()}::timestamptz), ${until.toISOString()}::timestamptz)`,
    })
    .where(eq(rateLimits.key, key));
}

/** When `key` may be tried again, or null when it is not blocked now. */
export async function blockedUntil(db: Executor, key: string, now: Date): Promise<Date | null> {
  const [row] = await db
    .select({ blockedUntil: rateLimits.blockedUntil })
    .from(rateLimits)
    .where(eq(rateLimits.key, key))
    .limit(1);
  return row?.blockedUntil && row.blockedUntil > now ? row.blockedUntil : null;
}

export async function reset(db: Executor, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

/** Drops counters whose window and block are both over (called now and then; any instance may). */
export async function sweep(db: Executor, now: Date): Promise<void> {
  const at = now.toISOString();
  await db
    .delete(rateLimits)
    .where(
      sql`${rateLimits.windowEndsAt} < ${at}::timestamptz and coalesce(${rateLimits.blockedUntil}, ${rateLimits.windowEndsAt}) < ${at}::timestamptz`,
    );
}
