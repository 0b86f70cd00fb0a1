import { describe, expect, it } from "vitest";
import { CSV_LIMITS, parseTicketCsv } from "./csv";

const HEADER = "externalId,subject,body,from,customerRef,channel";

describe("parseTicketCsv", () => {
  it("turns valid rows into ingest inputs and lists each bad row's problems", () => {
    const csv = [
      HEADER,
      'CSV-1,Where is my order?,"It is late,\nvery late.",ada@example.com,,chat',
      "CSV-2,,No subject,ada@example.com,,",
      "CSV-3,Bad sender,Body,not-an-email,,email",
      "CSV-4,Bad channel,Body,ada@example.com,,pigeon",
      "CSV-1,Repeat,Body,ada@example.com,,email",
      "CSV-5,Defaults,Body,grace@example.com,grace@example.com,",
      "CSV-6,Short row,Body",
    ].join("\n");
    const result = parseTicketCsv(csv);
    if (!result.ok) throw new Error(result.error);
    const byRow = new Map(result.rows.map((r) => [r.row, r]));
    expect(byRow.get(1)?.input).toEqual({
      externalId: "CSV-1",
      subject: "Where is my order?",
      body: "It is late,\nvery late.",
      from: "ada@example.com",
      channel: "chat",
    });
    expect(byRow.get(1)?.line).toBe(3);
    expect(byRow.get(2)?.errors.join(" ")).toMatch(/subject/);
    expect(byRow.get(3)?.errors.join(" ")).toMatch(/from must be an e-mail address/);
    expect(byRow.get(4)?.errors.join(" ")).toMatch(/channel must be one of/);
    expect(byRow.get(5)?.errors.join(" ")).toMatch(/repeats row 1/);
    expect(byRow.get(6)?.input).toMatchObject({ channel: "email", customerRef: "grace@example.com" });
    expect(byRow.get(7)?.errors.join(" ")).toMatch(/3 cells but the header has 6/);
    expect(result.rows.filter((r) => r.input).map((r) => r.row)).toEqual([1, 6]);
  });

  it("accepts a BOM, any column order and case, optional columns left out, and reports unknown ones", () => {
    const result = parseTicketCsv(
      "\uFEFFFrom,SUBJECT,body,externalid,notes\nada@example.com,Hi,Hello,X-1,ignored\n",
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.rows[0]?.input).toEqual({
      externalId: "X-1",
      subject: "Hi",
      body: "Hello",
      from: "ada@example.com",
      channel: "email",
    });
    expect(result.ignoredColumns).toEqual(["notes"]);
  });

  it("refuses a file it cannot read as a whole, saying what to fix", () => {
    const cases: [string, RegExp][] = [
      ["", /empty/],
      ["subject,body\nHi,There", /lacks externalId, from/],
      [HEADER, /no tickets/],
      [`${HEADER}\n"unclosed,quote`, /not valid CSV/],
      [`${HEADER}\n${"x,y,z,a@b.co,,email\n".repeat(CSV_LIMITS.rows + 1)}`, /at most 1,000/],
      ["x".repeat(CSV_LIMITS.bytes + 1), /larger than/],
    ];
    for (const [csv, message] of cases) {
      const result = parseTicketCsv(csv);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(message);
    }
  });
});
