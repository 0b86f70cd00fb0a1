/**
 * `npm run apikey:create -- --name NAME --scopes tickets:ingest,datasets:export,metrics:read`
 * Creates an API key and prints it on the last line (only its hash is stored).
 * On the embedded database, which one process holds, it refuses while the
 * server runs and points to the API keys page instead.
 */
import { openConfiguredDatabase } from "@/db";
import { recordAudit } from "@/db/queries/audit";
import { parseApiKeyArgs } from "@/lib/auth/api-key-input";
import { createApiKey } from "@/lib/auth/api-keys";
import { ConfigError, dataDir, env } from "@/lib/env";

async function main() {
  let input: ReturnType<typeof parseApiKeyArgs>;
  try {
    input = parseApiKeyArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
  let handle: Awaited<ReturnType<typeof openConfiguredDatabase>>;
  try {
    handle = await openConfiguredDatabase();
  } catch (error) {
    if (error instanceof Error && error.name === "DataDirLockedError") {
      console.error(
        `The embedded database (${dataDir()}) is held by another process, usually the running Countersign ` +
          "server, and only one process can open it.\nCreate the key in the browser instead: sign in as an admin and open " +
          `http://localhost:${env().PORT}/api-keys\n` +
          "(Or stop the server and run this again, or set DATABASE_URL to use PostgreSQL, where this works at any time.)",
      );
      process.exit(2);
    }
    throw error;
  }
  try {
    const created = await handle.db.transaction(async (tx) => {
      const key = await createApiKey(tx, input);
      await recordAudit(tx, {
        actorType: "system",
        action: "api_key.create",
        entityType: "api_key",
        entityId: key.id,
        data: { name: input.name, prefix: key.prefix, scopes: input.scopes, via: "cli" },
      });
      return key;
    });
    console.log(
      `Created API key "${input.name}" (${created.prefix}…) with scopes ${input.scopes.join(", ")} in the ${handle.kind} database.`,
    );
    console.log("Store it now: it is not shown again. Send it as `Authorization: Bearer <key>`.");
    console.log(created.key);
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
