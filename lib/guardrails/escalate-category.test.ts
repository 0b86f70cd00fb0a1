import { describe, expect, it } from "vitest";
import { formToRule, ruleToForm } from "@/components/policies/rule-form";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { type ReplayRun, replayRun } from "@/lib/guardrails/dry-run";
import { ticketEscalations } from "@/lib/guardrails/evaluate";
import { type Rule, ruleSchema } from "@/lib/guardrails/rules";
import { checkDraft } from "@/lib/guardrails/validate";
import { triageTicket } from "@/lib/triage/model";

const SECURITY: Rule = {
  id: "stolen",
  type: "escalate_category",
  category: "security",
  minConfidence: 0.5,
  team: "security",
  name: "Stolen cards",
  explanation: "Security handles fraud.",
};

const facts = (subject: string, body: string) => ({
  text: `${subject}\n${body}`,
  triage: triageTicket(subject, body),
});

describe("escalate_category rules", () => {
  it("validate their category and minimum confidence, with an actionable message", () => {
    expect(ruleSchema.safeParse(SECURITY).success).toBe(true);
    const wrong = ruleSchema.safeParse({ ...SECURITY, category: "shipping" });
    expect(wrong.error?.issues[0]?.message).toBe(
      "Choose a risk category: payments, account_data, legal, security.",
    );
    const low = ruleSchema.safeParse({ ...SECURITY, minConfidence: 0 });
    expect(low.error?.issues[0]?.message).toMatch(/at least 0.05/);
    const text = ruleSchema.safeParse({ ...SECURITY, minConfidence: "high" });
    expect(text.error?.issues[0]?.message).toMatch(/between 0.05 and 1/);
  });

  it("round-trip through the policy editor's form", () => {
    const form = ruleToForm(SECURITY, 0);
    expect(form.category).toBe("security");
    expect(form.minConfidence).toBe("0.5");
    expect(formToRule(form)).toEqual(SECURITY);
    expect(formToRule({ ...form, minConfidence: "often" }).minConfidence).toBeNull();
  });

  it("fire when triage gives the category at least the minimum confidence, naming it", () => {
    const [hit] = ticketEscalations(
      [SECURITY],
      facts("Card stolen", "Someone stole my credit card and used it on your shop."),
    );
    expect(hit).toMatchObject({ ruleId: "stolen", team: "security" });
    expect(hit?.matched).toMatch(/^triage: security \(confidence [01]\.\d\d ≥ 0\.5\)$/);
    expect(ticketEscalations([SECURITY], facts("Parcel", "Where is my order?"))).toEqual([]);
    // without a triage reading (an old run) the rule cannot fire
    expect(ticketEscalations([SECURITY], { text: "stolen card" })).toEqual([]);
    // the minimum is inclusive: just above the reading, the rule stays quiet
    const weak = facts("Card", "is my card safe with you?");
    const p = weak.triage.categories.security;
    expect(ticketEscalations([{ ...SECURITY, minConfidence: p }], weak)).toHaveLength(p >= 0.05 ? 1 : 0);
    if (p < 0.99) expect(ticketEscalations([{ ...SECURITY, minConfidence: p + 0.01 }], weak)).toEqual([]);
  });

  it("escalate the four risk categories in the default policy, each to its team", () => {
    const teams = (subject: string, body: string) =>
      ticketEscalations(
        DEFAULT_RULES.filter((r) => r.type === "escalate_category"),
        facts(subject, body),
      ).map((f) => f.team);
    expect(teams("Card stolen", "Someone stole my credit card and used it on your shop.")).toContain(
      "security",
    );
    expect(teams("Double charge", "I got double charged for my order")).toContain("billing");
    expect(teams("GDPR", "Send me a copy of all personal data you hold about me.")).toContain("privacy");
    expect(teams("Court", "I will sue you and see you in court over this.")).toContain("legal");
    expect(teams("Delivery", "Which delivery options do you have for express shipping?")).toEqual([]);
    expect(checkDraft({ rules: DEFAULT_RULES, instructions: "Answer." }, null)).toMatchObject({ ok: true });
  });

  it("show in a dry-run which recorded runs they would newly escalate", () => {
    const run = (subject: string, body: string, requiredRuleIds: string[] = []): ReplayRun => ({
      runId: subject,
      ticketId: subject,
      externalId: subject,
      subject,
      startedAt: new Date(),
      facts: facts(subject, body),
      calls: [],
      actions: [],
      requiredRuleIds,
      ruleNames: new Map(),
      citationRuleId: null,
    });
    const stolen = run("Stolen", "My wallet was stolen and the card I use here was in it.");
    const changes = replayRun(stolen, [SECURITY]);
    expect(changes.map((c) => [c.kind, c.ruleId])).toEqual([["newly_escalated", "stolen"]]);
    expect(changes[0]?.detail).toMatch(/security/);
    expect(replayRun(run("Parcel", "Where is my parcel?"), [SECURITY])).toEqual([]);
    // a run that escalated already is not counted again
    expect(replayRun(run("Stolen2", "my card was stolen", ["other"]), [SECURITY])).toEqual([]);
  });
});
