import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, openDatabase, rowsOf } from "@/db/client";
import journal from "@/db/migrations/meta/_journal.json";

/** The migrations folder as it was up to and including `tag`: a database created by that release. */
function migrationsUpTo(tag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "countersign-migrations-"));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const last = journal.entries.findIndex((e) => e.tag === tag);
  const entries = journal.entries.slice(0, last + 1);
  writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  return dir;
}

describe("upgrading a database that already holds reviews", () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it("copies each review's action kind, run, proposal time, model and policy version", async () => {
    const handle = await openDatabase({ kind: "pglite" });
    try {
      const old = migrationsUpTo("0001_extensions");
      folders.push(old);
      // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific type
      await migrate(handle.db as any, { migrationsFolder: old });
      for (const statement of [
        `insert into policy_versions (id, version, status) values ('00000000-0000-4000-8000-00000000000a', 1, 'published')`,
        `insert into tickets (id, external_id, from_email, subject, body)
         values ('00000000-0000-4000-8000-000000000001', 'old-1', 'jane@example.com', 'Where is my parcel?', 'Hi')`,
        `insert into agent_runs (id, ticket_id, policy_version_id, status, model)
         values ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001',
                 '00000000-0000-4000-8000-00000000000a', 'succeeded', 'openai:gpt-4.1-mini')`,
        `insert into agent_actions (id, run_id, ticket_id, kind, status, payload, created_at)
         values ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002',
                 '00000000-0000-4000-8000-000000000001', 'escalation', 'approved', '{}', '2026-01-02T03:04:05.678901Z')`,
        `insert into reviews (action_id, ticket_id, decision)
         values ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', 'approve')`,
      ]) {
        await handle.db.execute(sql.raw(statement));
      }

      await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });

      const [review] = rowsOf<Record<string, unknown>>(
        await handle.db.execute(sql`
          select action_kind, run_id, to_char(proposed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as proposed_at,
                 model, policy_version_id
          from reviews`),
      );
      expect(review).toEqual({
        action_kind: "escalation",
        run_id: "00000000-0000-4000-8000-000000000002",
        proposed_at: "2026-01-02 03:04:05.678901",
        model: "openai:gpt-4.1-mini",
        policy_version_id: "00000000-0000-4000-8000-00000000000a",
      });
    } finally {
      await handle.close();
    }
  }, 120_000);
});
