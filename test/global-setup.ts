import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { migrateDatabase, openDatabase } from "@/db/client";

export const PGLITE_TEMPLATE = path.join(
  process.cwd(),
  "node_modules",
  ".cache",
  "countersign",
  "pglite-migrated.tar.gz",
);

/** Migrates one in-memory PGlite once per run and dumps it: each test file then loads a copy in ~1 s. */
export default async function setup() {
  const handle = await openDatabase({ kind: "pglite" });
  await migrateDatabase(handle);
  // biome-ignore lint/suspicious/noExplicitAny: dumpDataDir lives on the PGlite client behind drizzle
  const client = (handle.db as any).$client as { dumpDataDir: (c: "gzip") => Promise<Blob> };
  const dump = await client.dumpDataDir("gzip");
  await mkdir(path.dirname(PGLITE_TEMPLATE), { recursive: true });
  await writeFile(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
}
