import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { loadDecidedRunHistory } from "@/db/queries/policies";
import { seedDemo } from "@/db/seed";
import { generateBulkHistory } from "@/db/seed/bulk";
import { DEFAULT_INSTRUCTIONS, DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { discardPolicyDraft, savePolicyDraft } from "@/lib/guardrails/drafts";
import { dryRunPolicyDraft } from "@/lib/guardrails/dry-run";
import type { Rule } from "@/lib/guardrails/rules";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { decide, draftTicket, userOfRole } from "@/test/guardrail-history";

const NOW = new Date("2026-11-01T12:00:00Z");

const withKeyword = (...words: string[]): Rule[] =>
  DEFAULT_RULES.map((r) =>
    r.id === "legal-escalate" && r.type === "escalate_keywords"
      ? { ...r, keywords: [...r.keywords, ...words] }
      : r,
  );

describe.each(availableDrivers())("dry-run against the recorded history on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let admin: { id: string };

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db, { now: NOW });
    admin = await userOfRole(db, "admin");
    // 600 synthetic tickets with chains, 90% decided, spread over the 30 days before NOW...
    await generateBulkHistory(db, { tickets: 600, undecidedShare: 0.1, now: NOW });
    // ...and, newest, real runs of the offline agent that reviewers decided.
    await decide(db, await draftTicket(db, "bitext-1199"), "reply", { decision: "approve" }); // "...a reclamation"
    await decide(db, await draftTicket(db, "bitext-4171"), "reply", { decision: "reject", reason: "Legal." }); // "ETA of order..."
    // The agent escalated this one itself (a legal threat: keywords and triage).
    await decide(db, await draftTicket(db, "hand-legal-2"), "escalation", { decision: "approve" });
    await draftTicket(db, "bitext-1235"); // drafted, never decided: not replayed
  }, 120_000);
  afterAll(() => handle?.destroy());

  it("loads only decided runs, newest first, up to the limit", async () => {
    const history = await loadDecidedRunHistory(db, 5);
    expect(history.runs.map((r) => r.externalId).slice(0, 3)).toEqual([
      "hand-legal-2",
      "bitext-4171",
      "bitext-1199",
    ]);
    expect(history.runs).toHaveLength(5);
    const started = history.runs.map((r) => r.startedAt.getTime());
    expect([...started].sort((a, b) => b - a)).toEqual(started);
    const decided = new Set(history.actions.filter((a) => a.decision).map((a) => a.runId));
    for (const run of history.runs) expect(decided.has(run.id)).toBe(true);
    expect(new Set(history.steps.map((s) => s.runId))).toEqual(new Set(history.runs.map((r) => r.id)));
  });

  it("lists the tickets new keywords would escalate, and whether the reviewers agreed", async () => {
    const draft = await savePolicyDraft(db, admin, {
      rules: withKeyword("reclamation", "eta"),
      instructions: DEFAULT_INSTRUCTIONS,
    });
    try {
      const result = await dryRunPolicyDraft(db, draft.id, 500);
      expect(result.runsReplayed).toBe(500);
      expect(result.rules.map((r) => r.ruleId)).toEqual(["legal-escalate"]);
      const legal = result.rules[0]!;
      // hand-legal-2 was escalated already, so the keywords change nothing there.
      expect(legal.changes.map((c) => [c.externalId, c.kind, c.agreement, c.decided, c.detail])).toEqual([
        [
          "bitext-4171",
          "newly_escalated",
          "agrees",
          "rejected the reply",
          "Would escalate to legal (matched “eta”).",
        ],
        [
          "bitext-1199",
          "newly_escalated",
          "disagrees",
          "approved the reply",
          "Would escalate to legal (matched “reclamation”).",
        ],
      ]);
      expect(result.agreement).toEqual({ agrees: 1, disagrees: 1, unknown: 0 });
    } finally {
      await discardPolicyDraft(db, admin, draft.id);
    }
  });

  it("replays 500 decided runs in well under the few seconds an admin waits", async () => {
    const rules: Rule[] = [
      ...withKeyword("damaged"),
      { id: "cap", type: "max_refund", maxCents: 5_000, name: "Cap", explanation: "Refunds up to $50." },
    ];
    const draft = await savePolicyDraft(db, admin, { rules, instructions: DEFAULT_INSTRUCTIONS });
    try {
      await dryRunPolicyDraft(db, draft.id, 500); // warm up the connection and the query plans
      const result = await dryRunPolicyDraft(db, draft.id, 500);
      console.info(
        `dry-run of 500 decided runs on ${driver}: ${result.elapsedMs} ms (load ${result.loadMs} ms, replay ${result.replayMs} ms), ` +
          `${result.totals.newly_escalated} newly escalated, ${result.affectedTickets} tickets affected`,
      );
      expect(result.runsReplayed).toBe(500);
      expect(result.totals.newly_escalated).toBeGreaterThan(0);
      expect(result.elapsedMs).toBeLessThan(3_000);
    } finally {
      await discardPolicyDraft(db, admin, draft.id);
    }
  });

  it("refuses to dry-run something that is not the draft", async () => {
    await expect(dryRunPolicyDraft(db, "00000000-0000-4000-8000-000000000000", 10)).rejects.toMatchObject({
      code: "not_found:policy",
    });
  });
});
