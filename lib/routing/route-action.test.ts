import { describe, expect, it } from "vitest";
import { routingMatchSchema } from "./match";
import { type ActionFacts, type RoutingRuleInput, routeAction } from "./route-action";
import { actionFacts } from "./run-facts";
import { reviewGroupInputSchema, routingRuleInputSchema } from "./schemas";

const LEGAL = "11111111-1111-4111-8111-111111111111";
const LEADS = "22222222-2222-4222-8222-222222222222";
const FRONT = "33333333-3333-4333-8333-333333333333";

const facts = (over: Partial<ActionFacts> = {}): ActionFacts => ({
  kind: "reply",
  team: null,
  category: "none",
  intent: "track_order",
  tier: "standard",
  firedRules: [],
  ...over,
});

const rule = (
  id: string,
  position: number,
  groupId: string,
  match: RoutingRuleInput["match"],
  enabled = true,
) => ({
  id,
  position,
  groupId,
  match,
  enabled,
});

describe("routeAction", () => {
  const rules = [
    rule("vip", 2, LEADS, { tiers: ["vip"] }),
    rule("legal", 1, LEGAL, { kinds: ["escalation"], teams: ["legal"] }),
  ];

  it("sends an action no rule matches to the default group", () => {
    expect(routeAction(facts(), rules, FRONT)).toEqual({ groupId: FRONT, routedBy: "default" });
  });

  it("takes the first matching rule in position order, not list order", () => {
    const escalation = facts({ kind: "escalation", team: "legal", tier: "vip" });
    expect(routeAction(escalation, rules, FRONT)).toEqual({ groupId: LEGAL, routedBy: "rule:legal" });
  });

  it("needs every present condition to hold", () => {
    expect(routeAction(facts({ kind: "escalation", team: "billing" }), rules, FRONT).routedBy).toBe(
      "default",
    );
    expect(
      routeAction(facts({ kind: "reply", team: null }), [rules[1] as RoutingRuleInput], FRONT).routedBy,
    ).toBe("default");
  });

  it("skips disabled rules", () => {
    const off = [rule("legal", 1, LEGAL, { kinds: ["escalation"] }, false)];
    expect(routeAction(facts({ kind: "escalation" }), off, FRONT).routedBy).toBe("default");
  });

  it("matches a rule that fired in the run, and an unknown tier never matches a tier condition", () => {
    const fired = [rule("fired", 1, LEADS, { firedRules: ["no-refunds-over-limit"] })];
    expect(routeAction(facts({ firedRules: ["no-refunds-over-limit"] }), fired, FRONT).groupId).toBe(LEADS);
    expect(
      routeAction(facts({ tier: null }), [rule("vip", 1, LEADS, { tiers: ["vip"] })], FRONT).groupId,
    ).toBe(FRONT);
  });
});

describe("actionFacts", () => {
  const run = { category: "legal", intent: "legal_threat", tier: "gold", firedRules: ["escalate-legal"] };
  it("reads an escalation's team and adds the rule that blocked the action", () => {
    const escalation = actionFacts(run, { kind: "escalation", payload: { team: "legal" } });
    expect(escalation.team).toBe("legal");
    const blocked = actionFacts(run, {
      kind: "refund",
      payload: { team: "legal" },
      blockedBy: "no-payments",
    });
    expect(blocked.team).toBeNull();
    expect(blocked.firedRules).toEqual(["escalate-legal", "no-payments"]);
  });
  it("does not count a verification block as a rule that fired", () => {
    expect(
      actionFacts(run, { kind: "reply", payload: {}, blockedBy: "verify:grounding" }).firedRules,
    ).toEqual(["escalate-legal"]);
  });
});

describe("routing validation", () => {
  it("accepts known values and drops empty lists", () => {
    expect(routingMatchSchema.parse({ kinds: ["escalation"], teams: ["legal"], tiers: [] })).toEqual({
      kinds: ["escalation"],
      teams: ["legal"],
    });
  });

  it("refuses values the code does not know, naming them", () => {
    const bad = routingMatchSchema.safeParse({ teams: ["lawyers"], tiers: ["platinum"] });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => i.message) ?? [];
    expect(messages.some((m) => m.includes("“lawyers” is not a team"))).toBe(true);
    expect(messages.some((m) => m.includes("“platinum” is not a customer tier"))).toBe(true);
    expect(routingMatchSchema.safeParse({ firedRules: [" "] }).success).toBe(false);
    expect(routingMatchSchema.safeParse({ colour: ["red"] }).success).toBe(false);
  });

  it("refuses a rule with no condition or no group", () => {
    const none = routingRuleInputSchema.safeParse({ name: "All", groupId: LEGAL, match: {}, enabled: true });
    expect(none.error?.issues[0]?.message).toMatch(/at least one condition/);
    const noGroup = routingRuleInputSchema.safeParse({
      name: "X",
      groupId: "",
      match: { kinds: ["reply"] },
      enabled: true,
    });
    expect(noGroup.error?.issues[0]?.message).toMatch(/Choose the group/);
  });

  it("refuses a hard limit under the SLA target and a group overflowing to itself", () => {
    const group = reviewGroupInputSchema.safeParse({
      id: LEGAL,
      name: "Legal",
      members: [],
      slaMinutes: 480,
      hardLimitMinutes: 60,
      overflowGroupId: LEGAL,
      isDefault: false,
    });
    const paths = group.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(["hardLimitMinutes", "overflowGroupId"]);
  });
});
