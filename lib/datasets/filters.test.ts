import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { exportQuery, parseExportRequest, sinceBound, untilBound } from "./filters";
import { exportFileName, parseExportFormat } from "./formats";
import { cliCommand } from "./manifest";

const NOW = new Date("2026-11-24T10:00:00.000Z");
const parse = (query: string) => parseExportRequest(new URLSearchParams(query), NOW);

function refusal(query: string): string {
  try {
    parse(query);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return (error as AppError).message;
  }
  throw new Error(`"${query}" was accepted`);
}

describe("export filters", () => {
  it("defaults: everything, demo history included, nothing redacted, snapshot now", () => {
    expect(parse("")).toEqual({ filters: { demo: true, redact: false, redactOrders: false }, asOf: NOW });
  });

  it("reads every filter from the query string", () => {
    const { filters } = parse(
      "since=2026-01-01&until=2026-01-31T12:00:00Z&decision=approve,edit&tags=tone&tags=incomplete" +
        "&policyVersion=3&minRating=4&model=openai:gpt-4.1-mini&redact=true&demo=false",
    );
    expect(filters).toEqual({
      since: "2026-01-01",
      until: "2026-01-31T12:00:00Z",
      decision: ["approve", "edit"],
      tags: ["tone", "incomplete"],
      policyVersion: 3,
      minRating: 4,
      model: "openai:gpt-4.1-mini",
      demo: false,
      redact: true,
      redactOrders: false,
    });
  });

  it("ignores empty values, as a form sends them", () => {
    expect(parse("since=&decision=&model=").filters).toEqual({
      demo: true,
      redact: false,
      redactOrders: false,
    });
  });

  it("redacting order numbers implies redacting the rest", () => {
    expect(parse("redactOrders=1").filters).toMatchObject({ redact: true, redactOrders: true });
  });

  it("whole days are UTC days, `until` including its day", () => {
    expect(sinceBound("2026-01-01").toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(untilBound("2026-01-31").toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(untilBound("2026-01-31T12:00:00+02:00").toISOString()).toBe("2026-01-31T10:00:00.000Z");
  });

  it("keeps a past snapshot and pulls a future one back to now", () => {
    expect(parse("asOf=2026-11-01T00:00:00.000Z").asOf.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(parse("asOf=2030-01-01T00:00:00.000Z").asOf).toEqual(NOW);
  });

  it.each([
    ["decisions=approve", 'Unknown filter "decisions"'],
    ["since=01/02/2026", "since must be a date like 2026-01-01"],
    ["since=2026-02-01&until=2026-01-01", "until is before since"],
    [
      "decision=approved",
      'decision "approved" is not known: use a comma list of approve, edit, escalate, reject',
    ],
    ["tags=rude", 'tags "rude" is not known'],
    ["minRating=6", "minRating must be a number from 1 to 5"],
    ["minRating=four", "minRating must be a number from 1 to 5"],
    ["policyVersion=1.5", "policyVersion must be a whole version number"],
    ["redact=maybe", "redact must be true or false"],
    ["asOf=yesterday", "asOf must be a time like"],
  ])("refuses %s with a message that says what to do", (query, message) => {
    expect(refusal(query)).toContain(message);
  });

  it("writes filters back as a query string that parses to the same filters", () => {
    const request = parse("tags=tone,incomplete&decision=edit&minRating=2&redactOrders=true&demo=false");
    const again = parseExportRequest(exportQuery(request.filters, request.asOf), NOW);
    expect(again).toEqual(request);
    expect(exportQuery(request.filters).toString()).toBe(
      "decision=edit&tags=tone%2Cincomplete&minRating=2&demo=false&redactOrders=true",
    );
  });

  it("builds the CLI command that repeats an export", () => {
    const { filters } = parse("since=2026-01-01&policyVersion=2&redact=true&demo=false");
    expect(cliCommand("sft", filters, NOW, "feedback.jsonl")).toBe(
      "npm run export -- --format sft --since 2026-01-01 --policy-version 2 --no-demo --redact " +
        "--as-of 2026-11-24T10:00:00.000Z --out feedback.jsonl",
    );
  });
});

describe("export formats", () => {
  it("names files by format and snapshot day", () => {
    expect(exportFileName("sft", NOW)).toBe("countersign-sft-2026-11-24.jsonl");
    expect(exportFileName("csv", NOW)).toBe("countersign-csv-2026-11-24.csv");
  });

  it("refuses an unknown format with the list of known ones", () => {
    expect(() => parseExportFormat("parquet")).toThrow("Use one of: sft, dpo, trl, csv.");
  });
});
