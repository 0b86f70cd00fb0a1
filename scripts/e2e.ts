/**
 * Runs the Playwright suite against a fresh production build and a fresh
 * embedded database, with Debian's Chromium (no browser download needed).
 * The whole suite (no arguments) on a machine with PostgreSQL (TEST_DATABASE_URL)
 * then runs the scale-out check on the same build: `npm run bench:scale` with
 * 40 tickets (two instances, two workers, one database).
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(
    `No Chromium at ${chromium}. Install Debian's package (sudo apt-get install -y chromium) ` +
      "or set CHROMIUM_PATH to a Chromium or Chrome binary.",
  );
  process.exit(1);
}

const bin = (name: string) => path.join(process.cwd(), "node_modules", ".bin", name);
const env = { ...process.env, CHROMIUM_PATH: chromium, NEXT_TELEMETRY_DISABLED: "1" };

const build = spawnSync(bin("next"), ["build"], { stdio: "inherit", env });
if (build.status !== 0) process.exit(build.status ?? 1);

rmSync(".e2e-data", { recursive: true, force: true });
const run = spawnSync(bin("playwright"), ["test", ...process.argv.slice(2)], { stdio: "inherit", env });

const postgres = process.env.TEST_DATABASE_URL;
if (process.argv.length > 2) process.exit(run.status ?? 1);
if (!postgres) {
  console.log("Scale-out check skipped: it needs PostgreSQL (set TEST_DATABASE_URL).");
  process.exit(run.status ?? 1);
}
const scale = spawnSync(
  bin("tsx"),
  ["scripts/bench/scale.ts", "--tickets", "40", "--concurrency", "4", "--port", "3143"],
  { stdio: "inherit", env: { ...env, BENCH_DATABASE_URL: postgres }, timeout: 420_000, killSignal: "SIGINT" },
);
process.exit(run.status !== 0 || scale.status !== 0 ? 1 : 0);
