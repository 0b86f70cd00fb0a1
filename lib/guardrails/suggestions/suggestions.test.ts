import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { policyVersions, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { decide, draftTicket, userOfRole } from "@/test/guardrail-history";
import { rulesSchema } from "../rules";
import { loadSuggestionsCached } from "./cache";
import { loadSuggestionsWithDryRun, mineCurrentSuggestions } from "./load";
import { openSuggestionAsDraft } from "./open";
import type { Suggestion } from "./types";

/** Intents the offline agent answers with a reply and the default policy does not escalate. */
const REPLY_INTENTS = [
  "change_shipping_address",
  "delivery_options",
  "track_order",
  "newsletter_subscription",
  "get_invoice",
];

describe.each(availableDrivers())("suggestions from reviewers' reasons on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  const flagged: string[] = [];
  let approved: string;

  /** The first `count` tickets of a triage intent that the offline agent answered with a reply draft. */
  async function repliedTickets(intent: string, count: number) {
    const rows = await db
      .select({ externalId: tickets.externalId })
      .from(tickets)
      .where(eq(tickets.triageIntent, intent))
      .orderBy(tickets.externalId)
      .limit(10);
    const replied = [];
    for (const row of rows) {
      const drafted = await draftTicket(db, row.externalId);
      if (drafted.actions.some((a) => a.kind === "reply" && a.status === "pending_review"))
        replied.push(drafted);
      if (replied.length === count) break;
    }
    return replied;
  }

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db);
    // Three replies to tickets of one intent tagged "should have escalated"; one of another intent approved.
    for (const [i, intent] of REPLY_INTENTS.entries()) {
      const replied = await repliedTickets(intent, 3);
      if (replied.length < 3) continue;
      for (const drafted of replied) {
        await decide(db, drafted, "reply", { decision: "reject", reason: "This needed a person." }, [
          "should_have_escalated",
        ]);
        flagged.push(drafted.ticketId);
      }
      for (const other of REPLY_INTENTS.slice(i + 1)) {
        const [drafted] = await repliedTickets(other, 1);
        if (!drafted) continue;
        await decide(db, drafted, "reply", { decision: "approve" });
        approved = drafted.ticketId;
        return;
      }
    }
    throw new Error("no intent gave three reply drafts and another one reply");
  }, 240_000);
  afterAll(() => handle?.destroy());

  const keywordSuggestion = (suggestions: Suggestion[]) =>
    suggestions.find((s) => s.change.type === "add_rule" && s.change.rule.type === "escalate_keywords");

  it("mines an escalation rule on the words the flagged tickets share, with them as evidence", async () => {
    const { suggestions } = await mineCurrentSuggestions(db);
    const suggestion = keywordSuggestion(suggestions);
    expect(suggestion?.kind).toBe("new_escalation_rule");
    expect(suggestion?.support).toBe(3);
    expect(suggestion?.evidence.map((e) => e.ticketId).sort()).toEqual([...flagged].sort());
    // Deterministic: the same reviews give the same suggestions.
    expect((await mineCurrentSuggestions(db)).suggestions).toEqual(suggestions);
  });

  it("dry-runs it automatically: the flagged tickets would have been escalated, as reviewers said", async () => {
    const { suggestions } = await loadSuggestionsWithDryRun(db);
    const suggestion = suggestions.find((s) => s.id === keywordSuggestion(suggestions)?.id);
    const changes = suggestion?.dryRun.changes ?? [];
    expect(changes.every((c) => c.kind === "newly_escalated")).toBe(true);
    expect(
      changes
        .filter((c) => c.agreement === "agrees")
        .map((c) => c.ticketId)
        .sort(),
    ).toEqual([...flagged].sort());
    // The approved reply's ticket can hold a word too (3 flagged of 4 is precise enough): against the reviewer.
    const others = changes.filter((c) => c.agreement !== "agrees");
    expect(others.every((c) => c.ticketId === approved && c.agreement === "disagrees")).toBe(true);
    expect(suggestion?.dryRun.agreement).toEqual({ agrees: 3, disagrees: others.length, unknown: 0 });
  });

  it("reuses the dry-run until a review changes what it depends on", async () => {
    const first = await loadSuggestionsCached(db);
    expect(await loadSuggestionsCached(db)).toBe(first);
    expect(first.suggestions).toEqual((await loadSuggestionsWithDryRun(db)).suggestions);
    const [drafted] = await repliedTickets("track_order", 1);
    if (!drafted) throw new Error("no track_order ticket left to draft");
    await decide(db, drafted, "reply", { decision: "approve" });
    const after = await loadSuggestionsCached(db);
    expect(after).not.toBe(first);
    expect(after.suggestions).toEqual((await loadSuggestionsWithDryRun(db)).suggestions);
  });

  it("opens it as a valid policy draft whose dry-run lists the tickets it would have escalated", async () => {
    const admin = await userOfRole(db, "admin");
    const id = keywordSuggestion((await mineCurrentSuggestions(db)).suggestions)?.id ?? "";
    const { draft, dryRun } = await openSuggestionAsDraft(db, admin, id);
    const [stored] = await db.select().from(policyVersions).where(eq(policyVersions.id, draft.id));
    expect(stored?.status).toBe("draft");
    const rules = rulesSchema.parse(stored?.rules);
    const added = rules.find((r) => r.id.startsWith("suggested-escalate-") && r.type === "escalate_keywords");
    expect(added).toBeDefined();
    expect(stored?.note).toMatch(/^Suggested: Escalate tickets that mention /);
    const impact = dryRun.rules.find((r) => r.ruleId === added?.id);
    const escalated =
      impact?.changes.filter((c) => c.kind === "newly_escalated").map((c) => c.ticketId) ?? [];
    expect(escalated.filter((t) => t !== approved).sort()).toEqual([...flagged].sort());
    // A second suggestion cannot overwrite the open draft.
    await expect(openSuggestionAsDraft(db, admin, id)).rejects.toMatchObject({ code: "conflict:policy" });
  });
});
