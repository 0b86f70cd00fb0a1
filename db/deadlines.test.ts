import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readHealth } from "@/lib/jobs/health";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { startProxy } from "@/test/pg-proxy";
import { type DatabaseHandle, openDatabase } from "./client";
import { openConfiguredDatabase } from "./index";

async function elapsed<T>(work: () => Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await work();
    return { ms: performance.now() - started, error: null };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

describe.skipIf(!availableDrivers().includes("postgres"))("database deadlines during an outage", () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let handle: DatabaseHandle;
  let proxiedUrl: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    database = await createTestDatabase("postgres");
    const url = new URL(database.url ?? "");
    proxy = await startProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    proxiedUrl = url.toString();
    handle = await openDatabase({
      kind: "postgres",
      url: proxiedUrl,
      max: 2,
      deadlines: { connectTimeoutSeconds: 1, statementTimeoutMs: 300, idleInTransactionTimeoutMs: 1_000 },
    });
  });

  afterAll(async () => {
    restoreEnv();
    await handle?.close().catch(() => undefined);
    const closing = proxy?.refuse();
    proxy?.cut();
    await closing;
    await database?.destroy();
    process.off("unhandledRejection", onUnhandled);
  });

  it("request paths get the configured statement and idle-in-transaction timeouts", async () => {
    stubEnv({
      DATABASE_URL: proxiedUrl,
      DATABASE_STATEMENT_TIMEOUT_MS: "1234",
      DATABASE_IDLE_TRANSACTION_TIMEOUT_MS: "5678",
    });
    const app = await openConfiguredDatabase({ requests: true, migrate: false });
    const script = await openConfiguredDatabase({ migrate: false });
    try {
      const {
        rows: [row],
      } = await app.executeSql(
        "select current_setting('statement_timeout') as s, current_setting('idle_in_transaction_session_timeout') as i",
      );
      expect(row).toEqual({ s: "1234ms", i: "5678ms" });
      // Scripts and migrations are not cut short.
      expect((await script.executeSql("select current_setting('statement_timeout') as s")).rows[0]).toEqual({
        s: "0",
      });
    } finally {
      await app.close();
      await script.close();
      restoreEnv();
    }
  });

  it("the app's open migrates under the migration lock without waiting on itself", async () => {
    stubEnv({ DATABASE_URL: database.url ?? "" });
    try {
      const { ms, error } = await elapsed(async () => {
        const app = await openConfiguredDatabase({ requests: true });
        await app.close();
      });
      expect(error).toBeNull();
      expect(ms).toBeLessThan(15_000);
    } finally {
      restoreEnv();
    }
  }, 30_000);

  it("a statement past its deadline is cancelled by the server", async () => {
    const { ms, error } = await elapsed(() => handle.db.execute(sql`select pg_sleep(5)`));
    expect(ms).toBeLessThan(2_000);
    expect(JSON.stringify(error) + String(error)).toMatch(/57014|statement timeout/);
    // The connection is still usable.
    await handle.db.execute(sql`select 1`);
  });

  it("a cut connection, then a database that never answers, then one that refuses: each fails fast; health says so without driver text", async () => {
    proxy.setMode("blackhole");
    proxy.cut();
    const swallowed = await elapsed(() => handle.db.execute(sql`select 1`));
    expect(swallowed.error).toBeTruthy();
    expect(swallowed.ms).toBeLessThan(3_000);

    const health = await elapsed(async () => {
      const report = await readHealth(async () => handle, 1_500);
      expect(report.status).toBe("unavailable");
      const body = JSON.stringify(report);
      expect(body).not.toMatch(/CONNECT_TIMEOUT|ECONN|write|connect|postgres:\/\//i);
      expect(report).toMatchObject({
        reason: expect.stringMatching(/^The database (is unreachable|did not answer within 2 s)\.$/),
      });
    });
    expect(health.error).toBeNull();
    expect(health.ms).toBeLessThan(2_500);

    const closing = proxy.refuse();
    proxy.cut();
    await closing;
    const refused = await elapsed(() => handle.db.execute(sql`select 1`));
    expect(refused.error).toBeTruthy();
    expect(refused.ms).toBeLessThan(1_500);
    const report = await readHealth(async () => handle, 1_500);
    expect(report).toMatchObject({ status: "unavailable", reason: "The database is unreachable." });
    console.log(
      `outage: cut + no answer failed in ${Math.round(swallowed.ms)} ms, health answered 503 in ${Math.round(health.ms)} ms, refused failed in ${Math.round(refused.ms)} ms`,
    );

    // Back again: the same handle serves without a restart.
    await proxy.restore();
    await expect(handle.db.execute(sql`select 1`)).resolves.toBeTruthy();
    const ok = await readHealth(async () => handle);
    expect(ok.status).toBe("ok");
    expect(unhandled).toEqual([]);
  });
});
