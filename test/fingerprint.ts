import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";

/** Columns that record use, not content: an authenticated request may touch them. */
const VOLATILE: Record<string, string> = {
  api_keys: "id, name, prefix, hash, scopes, created_by, created_at, revoked_at",
};

/**
 * Row count and a digest of every row of every table in the public schema,
 * so a test can assert that a request wrote nothing at all.
 */
export async function databaseFingerprint(db: Db): Promise<Record<string, string>> {
  const tables = rowsOf<{ name: string }>(
    await db.execute(
      sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`,
    ),
  ).map((t) => t.name);
  const out: Record<string, string> = {};
  for (const table of tables) {
    const columns = VOLATILE[table] ?? "*";
    const [row] = rowsOf<{ n: number | string; digest: string | null }>(
      await db.execute(
        sql.raw(
          `select count(*) as n, md5(string_agg(t::text, '|' order by t::text)) as digest from (select ${columns} from "${table}") t`,
        ),
      ),
    );
    out[table] = `${Number(row?.n ?? 0)}:${row?.digest ?? ""}`;
  }
  return out;
}
