import { parse } from "csv-parse/sync";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { policyVersions, reviews, tickets } from "@/db/schema";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { type FeedbackLabel, type FeedbackReview, seedFeedback } from "@/test/feedback";
import { copyClientOf } from "./copy";
import { inlineSql } from "./copy-sql";
import { DatasetExport } from "./export";
import { parseExportRequest } from "./filters";
import { EXPORT_FORMATS, type ExportFormat } from "./formats";

/** The tables an export reads, copied row for row (ids, microseconds and all) from PostgreSQL to PGlite. */
const TABLES = ["policy_versions", "tickets", "agent_runs", "reviews"] as const;

/** A cell for each formula prefix, in every kind of text cell (customer, integration, reviewer and model text). */
const HOSTILE: { column: string; value: string }[] = [
  { column: "subject", value: '=HYPERLINK("http://evil.example/","Click")' },
  { column: "external_id", value: "+SUM(1,1)" },
  { column: "body", value: "-2+3\nrest of the body" },
  { column: "channel", value: "@channel" },
];
const AWKWARD = " It's $1 and $2, a back\\slash \\', a tab\t, \"quotes\" and ＝ sign. ";

const HOSTILE_REVIEW: { column: string; value: string }[] = [
  { column: "comment", value: "\tcmd|' /C calc'!A0" },
  { column: "reason", value: "\r=1+1" },
  { column: "model", value: "＝full-width equals" },
];

describe.skipIf(!availableDrivers().includes("postgres"))("COPY exports on PostgreSQL", () => {
  let pg: TestDatabase;
  let lite: TestDatabase;
  let made: Record<FeedbackLabel, FeedbackReview>;

  beforeAll(async () => {
    [pg, lite] = await Promise.all([createTestDatabase("postgres"), createTestDatabase("pglite")]);
    made = await seedFeedback(pg.db);
    // A second ticket with hostile cells, and a review with hostile cells, to test the neutralisation.
    for (const { column, value } of HOSTILE) {
      await pg.db.execute(
        sql`update ${tickets} set ${sql.identifier(column)} = ${value} where ${tickets.id} = ${made.editA.ticketId}`,
      );
    }
    for (const { column, value } of HOSTILE_REVIEW) {
      await pg.db.execute(
        sql`update ${reviews} set ${sql.identifier(column)} = ${value} where ${reviews.id} = ${made.editA.reviewId}`,
      );
    }
    // Policy text that a literal written into a COPY statement must carry through intact.
    await pg.db.execute(
      sql`update ${policyVersions} set ${sql.identifier("instructions")} = ${sql.identifier("instructions")} || ${AWKWARD}`,
    );
    await lite.db.execute(sql`set session_replication_role = replica`);
    for (const table of TABLES) {
      await lite.db.execute(sql`delete from ${sql.identifier(table)}`);
      const [row] = rowsOf<{ rows: string | null }>(
        await pg.db.execute(sql`select json_agg(t)::text as rows from ${sql.identifier(table)} t`),
      );
      await lite.db.execute(
        sql`insert into ${sql.identifier(table)} select * from json_populate_recordset(null::${sql.identifier(table)}, ${row?.rows ?? "[]"}::json)`,
      );
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([pg?.destroy(), lite?.destroy()]);
  });

  async function run(db: TestDatabase["db"], format: ExportFormat, query: string) {
    const dataset = new DatasetExport(db, {
      format,
      request: parseExportRequest(new URLSearchParams(query)),
    });
    const chunks: Buffer[] = [];
    for await (const chunk of dataset.chunks()) chunks.push(Buffer.from(chunk));
    const manifest = await dataset.manifest({ generatedAt: new Date(0) });
    return { text: Buffer.concat(chunks).toString("utf8"), manifest };
  }

  it("streams through COPY on PostgreSQL and not on PGlite", () => {
    expect(copyClientOf(pg.db)).not.toBeNull();
    expect(copyClientOf(lite.db)).toBeNull();
  });

  const asOf = "asOf=2030-01-01T00:00:00.000Z";
  const queries = [
    asOf,
    `${asOf}&redact=true`,
    `${asOf}&redactOrders=true`,
    `${asOf}&decision=edit,approve&since=2025-06-01`,
    `${asOf}&demo=false&minRating=1`,
  ];
  for (const format of EXPORT_FORMATS) {
    for (const query of queries) {
      it(`${format} ${query}: the same bytes and manifest as PGlite's row path`, async () => {
        // The snapshot is in the future for the test data: pin it to a shared one.
        const shared = `asOf=${new Date().toISOString()}`;
        const q = query.replace(asOf, shared);
        const [fromPg, fromLite] = await Promise.all([run(pg.db, format, q), run(lite.db, format, q)]);
        expect(fromPg.text.length).toBeGreaterThan(0);
        expect(fromPg.text).toEqual(fromLite.text);
        expect(fromPg.manifest).toEqual(fromLite.manifest);
      });
    }
  }

  it("csv: every text cell beginning with a formula prefix is neutralised with a leading quote", async () => {
    for (const db of [pg.db, lite.db]) {
      const { text } = await run(db, "csv", "");
      const [header, ...rows] = parse(text) as string[][];
      const at = (name: string) => header?.indexOf(name) ?? -1;
      const row = rows.find((r) => r[at("review_id")] === made.editA.reviewId);
      expect(row?.[at("ticket_subject")]).toBe(`'${HOSTILE[0]?.value}`);
      expect(row?.[at("ticket_external_id")]).toBe(`'${HOSTILE[1]?.value}`);
      expect(row?.[at("ticket_body")]).toBe(`'${HOSTILE[2]?.value}`);
      expect(row?.[at("ticket_channel")]).toBe(`'${HOSTILE[3]?.value}`);
      expect(row?.[at("comment")]).toBe(`'${HOSTILE_REVIEW[0]?.value}`);
      expect(row?.[at("reason")]).toBe(`'${HOSTILE_REVIEW[1]?.value}`);
      expect(row?.[at("model")]).toBe(`'${HOSTILE_REVIEW[2]?.value}`);
      // Numbers are not text: a cost or a count keeps its digits as they are.
      expect(row?.[at("cost_micro_usd")]).toMatch(/^\d+$/);
      // No cell of any row starts a formula.
      for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const [ticket] = await pg.db.select().from(tickets).where(eq(tickets.id, made.editA.ticketId));
    expect(ticket?.subject).toBe(HOSTILE[0]?.value);
  });

  it("writes values into a statement as literals that read back as they were", async () => {
    const client = copyClientOf(pg.db);
    const value = `${AWKWARD}\n'; drop table reviews; --`;
    const rows = await client?.unsafe(inlineSql(sql`select ${value}::text as v, ${"$1"}::text as w`));
    expect(rows?.[0]).toEqual({ v: value, w: "$1" });
    expect(() => inlineSql(sql`select ${"a\0b"}`)).toThrow("NUL");
  });

  it("a download cancelled half way leaves the connection usable", async () => {
    const dataset = new DatasetExport(pg.db, { format: "csv", request: parseExportRequest({}) });
    for await (const _chunk of dataset.chunks()) break;
    const [row] = rowsOf<{ n: number }>(await pg.db.execute(sql`select count(*)::int as n from reviews`));
    expect(Number(row?.n)).toBeGreaterThan(0);
  });
});
