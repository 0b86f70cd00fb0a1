import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "./lock";

describe("embedded database lock", () => {
  it("refuses a second holder with a message that says what to do", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cs-lock-"));
    const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
    try {
      writeFileSync(path.join(dir, "countersign.lock"), String(other.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir)).toThrow(/in use by another Countersign process .*DATA_DIR/);
    } finally {
      other.kill();
    }
  });

  it("takes over a lock left by a process that died, and releases it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cs-lock-"));
    writeFileSync(path.join(dir, "countersign.lock"), "999999999");
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(/already holds/);
    release();
    lockDataDir(dir)();
  });
});
