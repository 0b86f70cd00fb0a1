import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite has no cross-process lock: two processes on one data directory lose
 * writes. Take an exclusive pid file, and take over one left by a dead process.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "countersign.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (holder === process.pid) {
        throw new DataDirLockedError(`This process already holds the embedded database at ${dir}.`);
      }
      if (Number.isFinite(holder) && isAlive(holder)) {
        throw new DataDirLockedError(
          `The embedded database at ${dir} is in use by another Countersign process (pid ${holder}). ` +
            "Stop that process first, or set DATA_DIR to another directory, or set DATABASE_URL to use PostgreSQL.",
        );
      }
      rmSync(file, { force: true }); // left behind by a process that died
    }
  }
  throw new DataDirLockedError(`Could not lock the embedded database at ${dir}.`);
}
