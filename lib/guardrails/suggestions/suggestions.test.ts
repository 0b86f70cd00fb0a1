import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { policyVersions, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { decide, draftTicket, userOfRole } from "@/test/guardrail-history";
import { rulesSchema } from "../rules";
import { loadSuggestionsWithDryRun, mineCurrentSuggestions } from "./load";
import { openSuggestionAsDraft } from "./open";

/** Intents the offline agent answers with a reply and the default policy does not escalate. */
const REPLY_INTENTS = ["delivery_options", "track_order", "change_shipping_address", "newsletter_subscription", "get_invoice"];

describe.each(availableDrivers())("suggestions from reviewers' reasons on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let intent: string;
  const flagged: string[] = [];
  let approved: string;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db);
    // Four tickets of one intent the agent replied to: three replies tagged "should have escalated", one approved.
    for (const candidate of REPLY_INTENTS) {
      const rows = await db
        .select({ externalId: tickets.externalId })
        .from(tickets)
        .where(eq(tickets.triageIntent, candidate))
        .orderBy(tickets.externalId)
        .limit(8);
      const replied = [];
      for (const row of rows) {
        const drafted = await draftTicket(db, row.externalId);
        if (drafted.actions.some((a) => a.kind === "reply" && a.status === "pending_review")) replied.push(drafted);
        if (replied.length === 4) break;
      }
      if (replied.length < 4) continue;
      intent = candidate;
      for (const drafted of replied.slice(0, 3)) {
        await decide(db, drafted, "reply", { decision: "reject", reason: "This needed a person." }, ["should_have_escalated"]);
        flagged.push(drafted.ticketId);
      }
      const last = replied[3];
      if (!last) throw new Error("unreachable");
      await decide(db, last, "reply", { decision: "approve" });
      approved = last.ticketId;
      return;
    }
    throw new Error("no intent gave four reply drafts");
  }, 240_000);
  afterAll(() => handle?.destroy());

  it("mines a new escalation rule for the intent the flagged replies share, with them as evidence", async () => {
    const { suggestions } = await mineCurrentSuggestions(db);
    const suggestion = suggestions.find((s) => s.id === `intent:${intent}`);
    expect(suggestion).toBeDefined();
    expect(suggestion?.kind).toBe("new_escalation_rule");
    expect(suggestion?.support).toBe(3);
    expect(suggestion?.evidence.map((e) => e.ticketId).sort()).toEqual([...flagged].sort());
    expect(suggestion?.change).toMatchObject({ type: "add_rule", rule: { type: "escalate_intent", intents: [intent] } });
    // Deterministic: the same reviews give the same suggestions.
    expect((await mineCurrentSuggestions(db)).suggestions).toEqual(suggestions);
  });

  it("dry-runs it automatically: the flagged tickets would have been escalated, as reviewers said", async () => {
    const { suggestions } = await loadSuggestionsWithDryRun(db);
    const suggestion = suggestions.find((s) => s.id === `intent:${intent}`);
    const changes = suggestion?.dryRun.changes ?? [];
    expect(changes.every((c) => c.kind === "newly_escalated")).toBe(true);
    expect(changes.filter((c) => c.agreement === "agrees").map((c) => c.ticketId).sort()).toEqual([...flagged].sort());
    expect(changes.filter((c) => c.agreement === "disagrees").map((c) => c.ticketId)).toEqual([approved]);
    expect(suggestion?.dryRun.agreement).toEqual({ agrees: 3, disagrees: 1, unknown: 0 });
  });

  it("opens it as a valid policy draft whose dry-run lists the tickets it would have escalated", async () => {
    const admin = await userOfRole(db, "admin");
    const { draft, dryRun } = await openSuggestionAsDraft(db, admin, `intent:${intent}`);
    const [stored] = await db.select().from(policyVersions).where(eq(policyVersions.id, draft.id));
    expect(stored?.status).toBe("draft");
    const rules = rulesSchema.parse(stored?.rules);
    const added = rules.find((r) => r.type === "escalate_intent" && r.intents.includes(intent));
    expect(added).toBeDefined();
    expect(stored?.note).toMatch(/^Suggested: Escalate /);
    const impact = dryRun.rules.find((r) => r.ruleId === added?.id);
    const escalated = impact?.changes.filter((c) => c.kind === "newly_escalated").map((c) => c.ticketId) ?? [];
    expect(escalated.sort()).toEqual([...flagged, approved].sort());
    // A second suggestion cannot overwrite the open draft.
    await expect(openSuggestionAsDraft(db, admin, `intent:${intent}`)).rejects.toMatchObject({ code: "conflict:policy" });
  });
});
