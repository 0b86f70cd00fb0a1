import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { seedFeedback } from "@/test/feedback";
import { DatasetExport } from "./export";
import { parseExportRequest } from "./filters";
import { EXPORT_FORMATS, type ExportFormat } from "./formats";
import { previewExport } from "./preview";
import { RecordCounter } from "./record-ends";

describe("counting records as bytes arrive", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it("counts JSONL lines, whatever the chunking", () => {
    const counter = new RecordCounter(false);
    counter.push(bytes('{"a":"say \\"hi\\""}\n{"b'));
    expect(counter.records).toBe(1);
    expect(counter.push(bytes('":1}\n'))).toBe(2);
  });
  it("counts CSV records past the header, newlines inside quotes included", () => {
    const counter = new RecordCounter(true, true);
    counter.push(bytes('id,text\n1,"two\nlines, and ""quotes"""\n2,pl'));
    expect(counter.records).toBe(1);
    expect(counter.push(bytes("ain\n"))).toBe(2);
    expect(counter.ends).toEqual([8, 38, 46]);
  });
});

describe.each(availableDrivers())("an export's preview on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedFeedback(db);
  }, 120_000);
  afterAll(() => handle?.destroy());

  async function firstRecords(format: ExportFormat, query: string, limit: number): Promise<unknown[]> {
    const dataset = new DatasetExport(db, {
      format,
      request: parseExportRequest(new URLSearchParams(query)),
    });
    const parts: Buffer[] = [];
    for await (const chunk of dataset.chunks()) parts.push(Buffer.from(chunk));
    const text = Buffer.concat(parts).toString("utf8");
    const records: unknown[] =
      format === "csv"
        ? parse(text, { columns: true, bom: true })
        : text
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line));
    return records.slice(0, limit);
  }

  for (const format of EXPORT_FORMATS) {
    it(`${format}: equals the first records of the export, redacted the same way`, async () => {
      for (const query of ["", "redact=true&redactOrders=true"]) {
        const request = parseExportRequest(new URLSearchParams(query));
        const full = await firstRecords(format, `${query}&asOf=${request.asOf.toISOString()}`, 3);
        expect(full.length).toBeGreaterThan(0);
        const preview = await previewExport(db, format, request, 3);
        expect(preview.records).toEqual(full);
      }
    }, 60_000);
  }
});
