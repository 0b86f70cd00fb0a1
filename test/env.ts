import { vi } from "vitest";
import { resetEnvCache } from "@/lib/env";

/**
 * Sets variables for a test (undefined unsets one) and makes lib/env read them
 * again. Tests change the environment only through here; `restoreEnv` undoes it.
 */
export function stubEnv(vars: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
  resetEnvCache();
}

/** Puts back every variable `stubEnv` changed. */
export function restoreEnv(): void {
  vi.unstubAllEnvs();
  resetEnvCache();
}

/** A whole number a test run may be sized by (e.g. `ERROR_RATE_TICKETS=200`), or the fallback. */
export function testCount(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
