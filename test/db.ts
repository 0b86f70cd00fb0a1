import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import postgres from "postgres";
import { afterAll, beforeAll } from "vitest";
import type { Db } from "@/db";
import { type DatabaseHandle, migrateDatabase, openDatabase } from "@/db/client";
import { PGLITE_TEMPLATE } from "./global-setup";

export type TestDriver = "pglite" | "postgres";

/** The drivers available in this run: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function availableDrivers(): TestDriver[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

/** The PostgreSQL server tests may create databases on (TEST_DATABASE_URL). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  return url;
}

/** Real PostgreSQL when TEST_DATABASE_URL is set, PGlite otherwise. */
export function defaultDriver(): TestDriver {
  return process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
}

export interface TestDatabase extends DatabaseHandle {
  /** Drops the database (PostgreSQL) or discards it (PGlite). */
  destroy: () => Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file, so runs never leak
 * into each other: a new database on the PostgreSQL server, or an in-memory
 * PGlite loaded from a migrated template.
 */
export async function createTestDatabase(driver: TestDriver = defaultDriver()): Promise<TestDatabase> {
  if (driver === "pglite") {
    const template = new Blob([await readFile(PGLITE_TEMPLATE)]);
    const handle = await openDatabase({ kind: "pglite", loadDataDir: template });
    return { ...handle, destroy: handle.close };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `cs_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: "postgres", url: url.toString(), max: 30 });
  await migrateDatabase(handle);
  return {
    ...handle,
    destroy: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * The enclosing suite's own database (see createTestDatabase), made before its first test and
 * dropped after its last: call it at the top of a `describe` and read `.db` in hooks registered
 * after it and in tests.
 */
export function useTestDatabase(driver: TestDriver = defaultDriver()): { readonly db: Db } {
  let handle: TestDatabase | undefined;
  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  }, 60_000);
  afterAll(async () => {
    await handle?.destroy();
  });
  return {
    get db() {
      if (!handle) throw new Error("The test database is made in beforeAll: read .db in a hook or a test.");
      return handle.db;
    },
  };
}
