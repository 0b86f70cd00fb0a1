import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { chatFormatErrors, dpoFormatErrors, trlFormatErrors } from "@/test/fine-tuning-format";
import {
  CSV_COLUMNS,
  csvHeader,
  csvRows,
  microUsdToDollars,
  ticketTurn,
  writeDpo,
  writeSft,
  writeTrl,
} from "./records";
import type { ExportRow } from "./source";
import { ChunkWriter, collect } from "./writer";

// Text that breaks naive JSON or CSV writers: quotes, commas, newlines, tabs, unicode, U+2028.
const AWKWARD = 'He said "refund, now",\n\tthen left. Ünïcödé 🎉 \u2028 end\\';

const row: ExportRow = {
  reviewId: "00000000-0000-4000-8000-000000000001",
  reviewedAt: new Date("2026-01-10T10:00:00.123Z"),
  cursorAt: "2026-01-10 10:00:00.123456+00",
  reviewerId: "00000000-0000-4000-8000-000000000002",
  decision: "edit",
  rating: 4,
  reasonTags: ["tone", "incomplete"],
  comment: AWKWARD,
  reason: null,
  originalText: "Draft, with a comma",
  finalText: `Edited: ${AWKWARD}`,
  editDistance: 0.25,
  demo: false,
  actionId: "00000000-0000-4000-8000-000000000003",
  actionKind: "reply",
  proposedAt: new Date("2026-01-10T09:00:00Z"),
  ticketId: "00000000-0000-4000-8000-000000000004",
  externalId: "bitext-1",
  fromEmail: "jane@example.com",
  channel: "email",
  subject: "Where is my order?",
  body: AWKWARD,
  ticketCreatedAt: new Date("2026-01-10T08:00:00Z"),
  model: "offline",
  inputTokens: 1200,
  outputTokens: 150,
  costMicroUsd: 1_234_567,
  policyVersionId: "00000000-0000-4000-8000-000000000005",
  policyVersion: 2,
};

const system = JSON.stringify("Be brief.");
const user = ticketTurn(row);
const sftLine = (sys: string | null, u: string, reply: string) => collect((w) => writeSft(w, sys, u, reply));
const messages = [
  { role: "system", content: "Be brief." },
  { role: "user", content: ticketTurn(row) },
];

describe("JSONL records", () => {
  it("the user turn is the ticket as the agent's loop sends it", () => {
    expect(ticketTurn(row)).toContain(
      "<ticket>\nFrom: jane@example.com\nChannel: email\nSubject: Where is my order?",
    );
    expect(ticketTurn(row)).toContain(AWKWARD);
  });

  it("sft: exactly JSON.stringify of the OpenAI chat example and a newline, valid by the cookbook's checks", () => {
    const line = sftLine(system, user, row.finalText ?? "");
    const expected = { messages: [...messages, { role: "assistant", content: row.finalText }] };
    expect(line).toBe(`${JSON.stringify(expected)}\n`);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(chatFormatErrors(JSON.parse(line))).toEqual([]);
  });

  it("sft without a system prompt is still a valid chat example", () => {
    const line = sftLine(null, "hello", "hi");
    expect(JSON.parse(line)).toEqual({
      messages: [
        { role: "user", content: "hello" },
        { role: "assistant", content: "hi" },
      ],
    });
    expect(chatFormatErrors(JSON.parse(line))).toEqual([]);
  });

  it("dpo: the edit preferred, the draft not", () => {
    const line = collect((w) => writeDpo(w, system, user, "edited", "draft"));
    expect(line).toBe(
      `${JSON.stringify({
        input: { messages },
        preferred_output: [{ role: "assistant", content: "edited" }],
        non_preferred_output: [{ role: "assistant", content: "draft" }],
      })}\n`,
    );
    expect(dpoFormatErrors(JSON.parse(line))).toEqual([]);
  });

  it("trl: conversational prompt / chosen / rejected", () => {
    const line = collect((w) => writeTrl(w, system, user, "edited", "draft"));
    expect(line).toBe(
      `${JSON.stringify({
        prompt: messages,
        chosen: [{ role: "assistant", content: "edited" }],
        rejected: [{ role: "assistant", content: "draft" }],
      })}\n`,
    );
    expect(trlFormatErrors(JSON.parse(line))).toEqual([]);
  });
});

describe("ChunkWriter", () => {
  it("hands out the UTF-8 bytes of what was written, in chunks, with their SHA-256", () => {
    const out = new ChunkWriter();
    const parts = ["a", "é", "🎉", "x".repeat(700_000), "ü".repeat(400_000), ""];
    const chunks: Uint8Array[] = [];
    for (const part of parts) {
      out.write(part);
      chunks.push(...out.take());
    }
    const bytes = Buffer.concat(chunks);
    expect(bytes.toString("utf8")).toBe(parts.join(""));
    expect(out.bytes).toBe(bytes.length);
    expect(out.digest()).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(chunks.every((c) => c.length <= 1 << 20 || c.length === Buffer.byteLength(parts[4] ?? ""))).toBe(
      true,
    );
  });
});

describe("the format checkers catch what the cookbook catches", () => {
  it.each([
    [[], ["data_type"]],
    [{}, ["missing_messages_list"]],
    [{ messages: [] }, ["missing_messages_list"]],
    [{ messages: [{ role: "user", content: "x" }] }, ["example_missing_assistant_message"]],
    [{ messages: [{ role: "assistant" }] }, ["message_missing_key", "missing_content"]],
    [{ messages: [{ role: "assistant", content: "" }] }, ["missing_content"]],
    [{ messages: [{ role: "assistant", content: 3 }] }, ["missing_content"]],
    [
      {
        messages: [
          { role: "tool", content: "x" },
          { role: "assistant", content: "y" },
        ],
      },
      ["unrecognized_role"],
    ],
    [{ messages: [{ role: "assistant", content: "y", extra: 1 }] }, ["message_unrecognized_key"]],
    [{ messages: [{ role: "assistant", content: "y" }], id: 1 }, ["unrecognized_key"]],
  ])("chat %j -> %j", (example, errors) => {
    expect(chatFormatErrors(example)).toEqual(errors);
  });

  it("preference checkers want a prompt ending with the user and one assistant message per side", () => {
    expect(
      dpoFormatErrors({
        input: { messages: [{ role: "assistant", content: "x" }] },
        preferred_output: [],
        non_preferred_output: [{ role: "user", content: "y" }],
      }),
    ).toEqual([
      "unrecognized_role",
      "prompt_must_end_with_user",
      "preferred_output_must_be_one_message",
      "non_preferred_output_unrecognized_role",
    ]);
    expect(trlFormatErrors({ prompt: "text", chosen: [], rejected: [] })).toContain(
      "missing_prompt_messages",
    );
  });
});

describe("CSV", () => {
  it("quotes what needs quoting and parses back to the same values", () => {
    const text = csvHeader() + csvRows([row, { ...row, comment: null, rating: null, reasonTags: [] }]);
    const [header, first, second] = parse(text, { relax_column_count: false }) as string[][];
    expect(header).toEqual(CSV_COLUMNS.map((c) => c.header));
    const record = Object.fromEntries((header ?? []).map((h, i) => [h, first?.[i]]));
    expect(record).toMatchObject({
      review_id: row.reviewId,
      reviewed_at: "2026-01-10T10:00:00.123Z",
      decision: "edit",
      rating: "4",
      reason_tags: "tone;incomplete",
      comment: AWKWARD,
      final_text: row.finalText,
      edit_distance: "0.25",
      ticket_body: AWKWARD,
      policy_version: "2",
      cost_micro_usd: "1234567",
      cost_usd: "1.234567",
      demo: "false",
    });
    const empty = Object.fromEntries((header ?? []).map((h, i) => [h, second?.[i]]));
    expect(empty).toMatchObject({ comment: "", rating: "", reason_tags: "" });
  });

  it("applies the text transform (redaction) to text cells only", () => {
    const upper = csvRows([row], (s) => s.toUpperCase());
    const [cells] = parse(upper) as string[][];
    const record = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c.header, cells?.[i]]));
    expect(record.ticket_subject).toBe("WHERE IS MY ORDER?");
    expect(record.review_id).toBe(row.reviewId);
    expect(record.model).toBe("offline");
  });

  it("neutralises a formula prefix at the start of every text cell, and leaves numbers alone", () => {
    const prefixes = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"];
    for (const prefix of prefixes) {
      const hostile = `${prefix}HYPERLINK("http://evil.example/","x")`;
      const text = csvRows([
        {
          ...row,
          subject: hostile,
          body: hostile,
          externalId: hostile,
          channel: hostile,
          comment: hostile,
          reason: hostile,
          originalText: hostile,
          finalText: hostile,
          model: hostile,
          reasonTags: [hostile],
          rating: -1,
          costMicroUsd: -5,
        },
      ]);
      const [cells] = parse(text) as string[][];
      const record = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c.header, cells?.[i]]));
      for (const column of [
        "ticket_subject",
        "ticket_body",
        "ticket_external_id",
        "ticket_channel",
        "comment",
        "reason",
        "original_text",
        "final_text",
        "model",
        "reason_tags",
      ]) {
        expect(record[column], `${column} starting with ${JSON.stringify(prefix)}`).toBe(`'${hostile}`);
      }
      expect(record.rating).toBe("-1");
      expect(record.cost_micro_usd).toBe("-5");
    }
  });

  it("turns micro-dollars into exact dollars", () => {
    expect(microUsdToDollars(0)).toBe("0.000000");
    expect(microUsdToDollars(1)).toBe("0.000001");
    expect(microUsdToDollars(12_345_678_901)).toBe("12345.678901");
  });
});
