import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { seedDemo } from "@/db/seed";
import { loadRuleFigures, NO_FIGURES, toRuleFigures } from "@/lib/guardrails/figures";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { decide, draftTicket } from "@/test/guardrail-history";

const NOW = new Date("2026-11-01T12:00:00Z");

describe.each(availableDrivers())("per-rule figures on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db, { now: NOW });
    // A legal threat: the rule forces an escalation, which the reviewer rejects (an override).
    await decide(db, await draftTicket(db, "hand-legal-1"), "escalation", {
      decision: "reject",
      reason: "Not legal.",
    });
    // Another one, drafted twice: the first escalation is superseded, the second upheld.
    await draftTicket(db, "hand-legal-3");
    await decide(db, await draftTicket(db, "hand-legal-3"), "escalation", { decision: "approve" });
    // A refund request: the refund is blocked and passed to billing (upheld), the escalation approved.
    const refund = await draftTicket(db, "bitext-2737");
    await decide(db, refund, "refund", { decision: "escalate", team: "billing", reason: "Billing." });
    await decide(db, refund, "escalation", { decision: "approve" });
    // A second refund request whose blocked refund the reviewer tags as a wrong policy (an override).
    const other = await draftTicket(db, "bitext-2737");
    await decide(db, other, "refund", { decision: "reject", reason: "Should be allowed." }, ["wrong_policy"]);
  }, 120_000);
  afterAll(() => handle?.destroy());

  it("counts runs fired, blocks, forced escalations and overrides per rule", async () => {
    const figures = await loadRuleFigures(db);
    expect(figures.get("legal-escalate")).toEqual({
      ruleId: "legal-escalate",
      firedRuns: 3,
      blocks: 0,
      blocksReviewed: 0,
      blockOverrides: 0,
      escalations: 3,
      escalationsReviewed: 2,
      escalationOverrides: 1,
      reviewed: 2,
      overrides: 1,
      overrideRate: 0.5,
    });
    // hand-legal-1 asks for its money back too: its refund is blocked and never reviewed.
    expect(figures.get("no-payments")).toMatchObject({
      firedRuns: 3,
      blocks: 3,
      blocksReviewed: 2,
      blockOverrides: 1,
      escalations: 0,
      overrideRate: 0.5,
    });
    expect(figures.get("refund-requests")).toMatchObject({
      firedRuns: 2,
      escalations: 2,
      escalationsReviewed: 1,
      overrides: 0,
    });
    expect(figures.has("verification-escalation")).toBe(false);
    expect(figures.get("budget")).toBeUndefined();
  });

  it("gives no rate when nothing a rule did was reviewed", () => {
    const [only] = toRuleFigures([{ ...NO_FIGURES, ruleId: "x", firedRuns: 4 }]).values();
    expect(only).toMatchObject({ ruleId: "x", reviewed: 0, overrides: 0, overrideRate: null });
  });
});
