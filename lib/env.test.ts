import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { restoreEnv, stubEnv } from "@/test/env";
import { authSecret, ConfigError, databaseKind, resetEnvCache } from "./env";

afterEach(restoreEnv);

function configure(vars: Record<string, string | undefined>) {
  stubEnv({ DATABASE_URL: undefined, AUTH_SECRET: undefined, ...vars });
}

describe("configuration", () => {
  it("generates the embedded secret once and keeps it under the data dir", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cs-env-"));
    configure({ DATA_DIR: dir });
    const first = authSecret();
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dir, "auth-secret"), "utf8")).toBe(first);
    resetEnvCache();
    expect(authSecret()).toBe(first);
    expect(databaseKind()).toBe("pglite");
  });

  it("refuses to run on PostgreSQL without a secret, saying what to set", () => {
    configure({ DATABASE_URL: "postgres://localhost/db" });
    expect(databaseKind()).toBe("postgres");
    expect(() => authSecret()).toThrow(ConfigError);
    expect(() => authSecret()).toThrow(/set AUTH_SECRET/);
  });

  it("names the variable that is wrong", async () => {
    configure({ DATABASE_URL: "mysql://nope", PORT: "70000" });
    const { env } = await import("./env");
    expect(() => env()).toThrow(/DATABASE_URL: .*postgres/);
  });
});
