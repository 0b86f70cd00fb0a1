import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { type DatabaseHandle, openDatabase, rowsOf } from "./client";
import { users } from "./schema";

/** The statements this connection has prepared (one connection: the pool holds one). */
async function preparedOnThisConnection(db: DatabaseHandle["db"]): Promise<string[]> {
  const rows = rowsOf<{ statement: string }>(
    await db.execute(sql`select statement from pg_prepared_statements`),
  );
  return rows.map((r) => r.statement);
}

describe.skipIf(!availableDrivers().includes("postgres"))("statements on PostgreSQL", () => {
  let database: TestDatabase;
  let single: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    single = await openDatabase({ kind: "postgres", url: database.url as string, max: 1 });
  }, 60_000);
  afterAll(async () => {
    await single.close();
    await database.destroy();
  });

  it("prepares a statement with parameters once per connection, then binds and runs it", async () => {
    const byEmail = (email: string) =>
      single.db.select({ id: users.id }).from(users).where(eq(users.email, email));
    await byEmail("nobody@example.test");
    await byEmail("someone@example.test");
    const prepared = await preparedOnThisConnection(single.db);
    // Once, whatever the values: the second run bound the statement the first one prepared.
    expect(prepared.filter((s) => s.includes('from "users" where "users"."email" = $1'))).toHaveLength(1);
  });

  it("prepares inside a transaction and a nested one (a savepoint) too", async () => {
    const seen = await single.db.transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.role, "admin"));
      return tx.transaction(async (nested) => {
        await nested.select({ n: sql<number>`count(*)` }).from(users).where(eq(users.name, "Nested"));
        return preparedOnThisConnection(nested);
      });
    });
    expect(seen.some((s) => s.includes('where "users"."role" = $1'))).toBe(true);
    expect(seen.some((s) => s.includes('where "users"."name" = $1'))).toBe(true);
  });

  it("plans each execution for its own values", async () => {
    const [row] = rowsOf<{ plan_cache_mode: string }>(await single.db.execute(sql`show plan_cache_mode`));
    expect(row?.plan_cache_mode).toBe("force_custom_plan");
  });
});
