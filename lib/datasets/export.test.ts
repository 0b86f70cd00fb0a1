import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { tickets } from "@/db/schema";
import { ticketMessage } from "@/lib/agent/prompt";
import { DEFAULT_INSTRUCTIONS } from "@/lib/guardrails/default-policy";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import {
  approveAnotherReply,
  EDIT_AWKWARD,
  EDIT_WITH_PII,
  editOnlyPii,
  FEEDBACK_LABELS,
  type FeedbackLabel,
  type FeedbackReview,
  seedFeedback,
  V2_INSTRUCTIONS,
} from "@/test/feedback";
import { chatFormatErrors, dpoFormatErrors, jsonLines, trlFormatErrors } from "@/test/fine-tuning-format";
import { DatasetExport } from "./export";
import { parseExportRequest } from "./filters";
import type { ExportFormat } from "./formats";
import { countExportRecords } from "./source";

type Message = { role: string; content: string };

describe.each(availableDrivers())("feedback datasets on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let made: Record<FeedbackLabel, FeedbackReview>;
  const reviewIdOf = new Map<string, FeedbackLabel>();

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    made = await seedFeedback(db);
    for (const label of FEEDBACK_LABELS) reviewIdOf.set(made[label].reviewId, label);
  }, 120_000);

  afterAll(async () => {
    await handle?.destroy();
  });

  async function run(format: ExportFormat, query = "", batchSize?: number) {
    const dataset = new DatasetExport(db, {
      format,
      request: parseExportRequest(new URLSearchParams(query)),
      batchSize,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of dataset.chunks()) chunks.push(Buffer.from(chunk));
    const bytes = Buffer.concat(chunks);
    return { dataset, bytes, text: bytes.toString("utf8") };
  }

  /** The review labels a CSV export holds, in file order. */
  async function csvLabels(query = ""): Promise<(FeedbackLabel | undefined)[]> {
    const [header, ...rows] = parse((await run("csv", query)).text) as string[][];
    const column = header?.indexOf("review_id") ?? -1;
    return rows.map((r) => reviewIdOf.get(r[column] ?? ""));
  }

  async function ticketPrompt(label: FeedbackLabel): Promise<string> {
    const [ticket] = await db.select().from(tickets).where(eq(tickets.id, made[label].ticketId));
    if (!ticket) throw new Error("ticket missing");
    return ticketMessage(ticket);
  }

  it("sft: one valid OpenAI chat example per approved or edited reply, oldest review first", async () => {
    const { text } = await run("sft");
    const examples = jsonLines(text) as { messages: Message[] }[];
    for (const example of examples) expect(chatFormatErrors(example)).toEqual([]);
    const edits = [made.editB, made.editSame].sort((a, b) => a.reviewId.localeCompare(b.reviewId));
    const expected = [made.approveA, made.approveB, made.editA, ...edits, made.approveV2];
    expect(examples.map((e) => e.messages.at(-1)?.content)).toEqual(expected.map((r) => r.finalText));
    expect(examples.map((e) => e.messages.map((m) => m.role))).toEqual(
      expected.map(() => ["system", "user", "assistant"]),
    );
    // The countersigned text, not the draft, is the assistant turn of an edit.
    expect(made.editA.finalText).toBe(EDIT_WITH_PII);
    expect(made.editA.originalText).not.toBe(EDIT_WITH_PII);
    // System: the planner instructions of the run's policy version; user: the ticket as the agent saw it.
    expect(examples[0]?.messages[0]?.content).toBe(DEFAULT_INSTRUCTIONS);
    expect(examples.at(-1)?.messages[0]?.content).toBe(V2_INSTRUCTIONS);
    expect(examples[0]?.messages[1]?.content).toBe(await ticketPrompt("approveA"));
    expect(examples.at(-1)?.messages[1]?.content).toBe(await ticketPrompt("approveV2"));
  });

  it("never turns rejected or escalated drafts, escalations or refunds into training text", async () => {
    const refused = [made.rejected, made.escalatedReply, made.escalationApproved, made.refundEscalated];
    const refusedTexts = new Set(refused.map((r) => r.originalText));
    const refusedPrompts = new Set(await Promise.all(refused.map((r) => ticketPrompt(r.label))));
    const sft = jsonLines((await run("sft")).text) as { messages: Message[] }[];
    const dpo = jsonLines((await run("dpo")).text) as {
      input: { messages: Message[] };
      preferred_output: Message[];
    }[];
    const trl = jsonLines((await run("trl")).text) as { prompt: Message[]; chosen: Message[] }[];
    const taught = [
      ...sft.map((e) => ({ prompt: e.messages[1]?.content, text: e.messages.at(-1)?.content })),
      ...dpo.map((e) => ({ prompt: e.input.messages.at(-1)?.content, text: e.preferred_output[0]?.content })),
      ...trl.map((e) => ({ prompt: e.prompt.at(-1)?.content, text: e.chosen[0]?.content })),
    ];
    expect(taught.length).toBeGreaterThan(0);
    for (const { prompt, text } of taught) {
      expect(refusedTexts.has(text ?? null)).toBe(false);
      expect(refusedPrompts.has(prompt ?? "")).toBe(false);
    }
    expect(made.escalationApproved.kind).toBe("escalation");
    expect(made.refundEscalated.kind).toBe("refund");
  });

  it("dpo: one valid preference pair per edit that changed the reply, the edit preferred", async () => {
    const pairs = jsonLines((await run("dpo")).text) as {
      input: { messages: Message[] };
      preferred_output: Message[];
      non_preferred_output: Message[];
    }[];
    for (const pair of pairs) expect(dpoFormatErrors(pair)).toEqual([]);
    // editSame kept the draft word for word: a pair of equal texts teaches nothing.
    expect(made.editSame.finalText).toBe(made.editSame.originalText);
    expect(pairs.map((p) => p.preferred_output[0]?.content)).toEqual([EDIT_WITH_PII, EDIT_AWKWARD]);
    expect(pairs.map((p) => p.non_preferred_output[0]?.content)).toEqual([
      made.editA.originalText,
      made.editB.originalText,
    ]);
    expect(pairs[0]?.input.messages).toEqual([
      { role: "system", content: DEFAULT_INSTRUCTIONS },
      { role: "user", content: await ticketPrompt("editA") },
    ]);
  });

  it("trl: the same pairs as prompt / chosen / rejected", async () => {
    const pairs = jsonLines((await run("trl")).text) as {
      prompt: Message[];
      chosen: Message[];
      rejected: Message[];
    }[];
    for (const pair of pairs) expect(trlFormatErrors(pair)).toEqual([]);
    expect(pairs.map((p) => [p.chosen[0]?.content, p.rejected[0]?.content])).toEqual([
      [EDIT_WITH_PII, made.editA.originalText],
      [EDIT_AWKWARD, made.editB.originalText],
    ]);
    expect(pairs[1]?.prompt.map((m) => m.role)).toEqual(["system", "user"]);
  });

  it("csv: every review of every kind with its context", async () => {
    const [header, ...rows] = parse((await run("csv")).text) as string[][];
    const records = rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ""])));
    expect(records.map((r) => reviewIdOf.get(r.review_id ?? ""))).toHaveLength(FEEDBACK_LABELS.length);
    const byLabel = new Map(records.map((r) => [reviewIdOf.get(r.review_id ?? ""), r]));
    expect(byLabel.get("editA")).toMatchObject({
      decision: "edit",
      action_kind: "reply",
      action_id: made.editA.actionId,
      ticket_id: made.editA.ticketId,
      rating: "4",
      reason_tags: "incomplete",
      comment: "Added the phone line; customer is jane.doe+vip@example.co.uk",
      original_text: made.editA.originalText,
      final_text: EDIT_WITH_PII,
      policy_version: "1",
      model: "openai:gpt-4.1-mini",
      input_tokens: "1500",
      output_tokens: "200",
      cost_micro_usd: "920",
      cost_usd: "0.000920",
      reviewed_at: "2026-02-01T00:00:00.000Z",
      demo: "false",
    });
    expect(Number(byLabel.get("editA")?.edit_distance)).toBeGreaterThan(0);
    expect(byLabel.get("editB")?.final_text).toBe(EDIT_AWKWARD);
    expect(byLabel.get("rejected")).toMatchObject({
      decision: "reject",
      reason: "Cites the wrong article",
      final_text: "",
    });
    expect(byLabel.get("refundEscalated")).toMatchObject({ decision: "escalate", action_kind: "refund" });
    expect(byLabel.get("approveV2")?.policy_version).toBe("2");
    expect(byLabel.get("approveB")?.demo).toBe("true");
  });

  it.each<[string, FeedbackLabel[]]>([
    ["decision=edit", ["editA", "editB", "editSame"]],
    ["decision=reject,escalate", ["rejected", "escalatedReply", "refundEscalated"]],
    ["tags=tone", ["approveB", "editB"]],
    ["tags=tone,incomplete", ["approveB", "editA", "editB"]],
    ["minRating=4", ["approveA", "editA", "editSame", "approveV2"]],
    ["policyVersion=2", ["approveV2"]],
    ["policyVersion=3", []],
    ["model=openai:gpt-4.1-mini", ["editA"]],
    ["until=2026-01-31", ["approveA", "approveB"]],
    ["since=2026-01-31T23:59:59.999Z&until=2026-02-01T00:00:00Z", ["approveB"]],
    ["since=2026-02-01&until=2026-02-10", ["editA", "editB", "editSame", "rejected"]],
    ["since=2026-03-02", ["escalationApproved", "refundEscalated", "approveV2"]],
    ["demo=false&until=2026-01-31", ["approveA"]],
    ["decision=approve&minRating=5&since=2026-01-01&until=2026-12-31", ["approveA", "approveV2"]],
  ])("filter %s", async (query, expected) => {
    const labels = await csvLabels(query);
    expect(labels.sort()).toEqual([...expected].sort());
    const sftEligible = expected.filter(
      (l) => made[l].kind === "reply" && ["approve", "edit"].includes(made[l].decision),
    );
    const pairEligible = expected.filter((l) => l === "editA" || l === "editB");
    const counts = await countExportRecords(db, parseExportRequest(new URLSearchParams(query)));
    expect(counts).toEqual({
      sft: sftEligible.length,
      dpo: pairEligible.length,
      trl: pairEligible.length,
      csv: expected.length,
    });
    expect(jsonLines((await run("sft", query)).text)).toHaveLength(sftEligible.length);
  });

  it("redacts e-mail addresses, phone and card numbers in every text field, order numbers on request", async () => {
    const email = /[\w.+-]+@[\w-]+\.[\w.-]+/;
    const sft = await run("sft", "redact=true");
    expect(sft.text).not.toMatch(email);
    expect(sft.text).not.toContain("7946 0958");
    expect(sft.text).not.toContain("4111 1111 1111 1111");
    expect(sft.text).toContain("From: [EMAIL]");
    const edit = (jsonLines(sft.text) as { messages: Message[] }[])[2]?.messages.at(-1)?.content;
    expect(edit).toBe(
      "Hi Jane, we are on it. Call us on [PHONE] or write to [EMAIL] about ORD-123456; the card [CARD] was not charged.",
    );
    const withOrders = await run("sft", "redactOrders=true");
    expect(withOrders.text).not.toMatch(/ORD-\d/);
    expect((await withOrders.dataset.manifest()).redaction.replaced.order).toBeGreaterThan(0);

    const csv = await run("csv", "redact=true");
    expect(csv.text).not.toMatch(email);
    expect(csv.text).toContain("Added the phone line; customer is [EMAIL]");
    const manifest = await csv.dataset.manifest();
    expect(manifest.redaction).toMatchObject({ enabled: true, orderNumbers: false });
    expect(manifest.redaction.replaced.email).toBe(2); // the edited reply and the comment
    expect(manifest.redaction.replaced.phone).toBeGreaterThanOrEqual(1);
    expect(manifest.redaction.replaced.card).toBeGreaterThanOrEqual(1);
  });

  it("the manifest counts what was streamed and hashes exactly those bytes", async () => {
    const { dataset, bytes } = await run("sft");
    const manifest = await dataset.manifest();
    expect(manifest.file).toMatchObject({
      records: 6,
      bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      contentType: "application/x-ndjson; charset=utf-8",
    });
    expect(manifest.file.name).toMatch(/^countersign-sft-\d{4}-\d\d-\d\d\.jsonl$/);
    expect(manifest.counts).toEqual({
      records: 6,
      byDecision: { approve: 3, edit: 3, escalate: 0, reject: 0 },
      formats: { sft: 6, dpo: 2, trl: 2, csv: 10 },
    });
    expect(manifest.policyVersions.map(({ version, records }) => ({ version, records }))).toEqual([
      { version: 1, records: 5 },
      { version: 2, records: 1 },
    ]);
    expect(manifest.models).toEqual([
      { model: "offline", records: 5 },
      { model: "openai:gpt-4.1-mini", records: 1 },
    ]);
    expect(manifest.generator.name).toBe("Countersign");
    expect(manifest.reproduce.api).toBe(`/api/v1/exports/sft?asOf=${encodeURIComponent(manifest.asOf)}`);
    expect(manifest.reproduce.cli).toContain(`--as-of ${manifest.asOf}`);

    const empty = await run("dpo", "policyVersion=9");
    expect(empty.bytes.length).toBe(0);
    expect((await empty.dataset.manifest()).file.sha256).toBe(createHash("sha256").update("").digest("hex"));
  });

  it("crosses batch boundaries without losing or repeating a row, ties and microseconds included", async () => {
    for (const format of ["sft", "csv", "dpo"] as const) {
      const whole = (await run(format)).text;
      for (const batchSize of [1, 2, 3, 4]) {
        expect((await run(format, "", batchSize)).text, `${format} in batches of ${batchSize}`).toBe(whole);
      }
    }
    expect(await csvLabels()).toHaveLength(FEEDBACK_LABELS.length);
  });

  it("a download cancelled half way stops cleanly", async () => {
    const dataset = new DatasetExport(db, { format: "csv", request: parseExportRequest({}), batchSize: 1 });
    let chunks = 0;
    for await (const _chunk of dataset.chunks()) {
      if (++chunks === 1) break; // the header and the first review
    }
    expect(dataset.tally.records).toBe(1);
    expect(() => dataset.sha256).toThrow("not finished");
  });

  it("the same snapshot gives the same bytes after new reviews arrive", async () => {
    const first = await run("sft");
    const asOf = first.dataset.request.asOf.toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await approveAnotherReply(db);
    const again = await run("sft", `asOf=${asOf}`);
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect((await again.dataset.manifest()).file.sha256).toBe(
      createHash("sha256").update(first.bytes).digest("hex"),
    );
    expect((await run("sft")).dataset.tally.records).toBe(first.dataset.tally.records + 1);
  });

  // Adds a review: keep it the last test of the file.
  it("leaves out a preference pair whose edit changed only what redaction replaces, and says so", async () => {
    await editOnlyPii(db);
    const plain = await run("dpo");
    const redacted = await run("dpo", "redact=true");
    expect(jsonLines(plain.text)).toHaveLength(3);
    expect(jsonLines(redacted.text)).toHaveLength(2);
    for (const pair of jsonLines(redacted.text) as {
      preferred_output: Message[];
      non_preferred_output: Message[];
    }[]) {
      expect(pair.preferred_output[0]?.content).not.toBe(pair.non_preferred_output[0]?.content);
    }
    const manifest = await redacted.dataset.manifest();
    expect(manifest.file.records).toBe(2);
    expect(manifest.redaction.pairsLeftOut).toBe(1);
    expect((await plain.dataset.manifest()).redaction.pairsLeftOut).toBe(0);
  });
});
