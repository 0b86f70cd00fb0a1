import { sql } from "drizzle-orm";
import type { Db } from "@/db";

/** Any fixed number: the advisory lock every policy write takes. */
const POLICY_LOCK = 724_012;

/**
 * Runs `fn` in a transaction that first takes a transaction-scoped advisory
 * lock, so saves, discards, publishes and rollbacks of policy versions happen
 * one after another and each sees what the previous one committed. The
 * partial unique index on status = 'published' stays the last line of defence.
 */
export function inPolicyTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${POLICY_LOCK})`);
    return fn(tx as unknown as Db);
  });
}
