/**
 * `npm start`: migrate, seed an empty database, build if needed, then serve the
 * production app. The embedded database is closed before `next start` opens it.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { prepareDatabase } from "@/db/prepare";
import { authSecret, ConfigError, databaseKind, env } from "@/lib/env";

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

async function main() {
  const config = env();
  const secret = authSecret();
  await prepareDatabase();

  const nextBin = path.join(process.cwd(), "node_modules", ".bin", "next");
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    console.log("No production build found: building (about half a minute)...");
    const build = spawnSync(nextBin, ["build"], {
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (build.status !== 0) fail("The build failed; see the output above.");
  }

  console.log(
    `Serving Countersign on http://localhost:${config.PORT} (database: ${databaseKind()}, model: ${config.AGENT_MODEL})`,
  );
  const server = spawn(nextBin, ["start", "-p", String(config.PORT)], {
    stdio: "inherit",
    env: { ...process.env, AUTH_SECRET: secret, NEXT_TELEMETRY_DISABLED: "1" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => server.kill(signal));
  }
  server.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || (error instanceof Error && error.name === "DataDirLockedError"))
    fail(error.message);
  console.error(error);
  process.exit(1);
});
