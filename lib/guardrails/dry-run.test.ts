import { describe, expect, it } from "vitest";
import type { DecidedRunHistory } from "@/db/queries/policies";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import {
  blockAgreement,
  buildReplayRuns,
  type DryRunChange,
  deescalationAgreement,
  escalationAgreement,
  type ReplayAction,
  type ReplayRun,
  replayHistory,
  replayRun,
  unblockAgreement,
} from "@/lib/guardrails/dry-run";
import type { Rule } from "@/lib/guardrails/rules";

/**
 * A small recorded history with known answers. Policy p1 is the default
 * policy; p0 is the default policy without the citation rule. The draft:
 * adds "reclamation" to the legal keywords, drops "Customer asked for a
 * person", replaces "no payments" with a $50 refund cap, blocks ticket
 * history look-ups, and sets a budget of 2 model steps.
 */
const P1 = "00000000-0000-4000-8000-000000000001";
const P0 = "00000000-0000-4000-8000-000000000000";

const DRAFT: Rule[] = [
  ...DEFAULT_RULES.filter((r) => !["human-requested", "no-payments", "budget"].includes(r.id)).map((r) =>
    r.type === "escalate_keywords" && r.id === "legal-escalate"
      ? { ...r, keywords: [...r.keywords, "reclamation"] }
      : r,
  ),
  {
    id: "refund-cap",
    type: "max_refund",
    maxCents: 5_000,
    name: "Refunds up to $50",
    explanation: "Small refunds only.",
  },
  {
    id: "no-history",
    type: "block_tool",
    tool: "get_ticket_history",
    name: "No history look-ups",
    explanation: "Past tickets are private.",
  },
  {
    id: "budget",
    type: "budget",
    maxSteps: 2,
    maxTokens: 20_000,
    name: "Tight budget",
    explanation: "Two steps.",
  },
];

type Step = DecidedRunHistory["steps"][number];
type Action = DecidedRunHistory["actions"][number];

let stepSeq = 0;
const plan = (runId: string, tokens = 100): Step => ({
  runId,
  seq: ++stepSeq,
  kind: "plan",
  name: "plan",
  input: null,
  output: null,
  tokens,
});
const tool = (runId: string, name: string, input: unknown = {}): Step => ({
  runId,
  seq: ++stepSeq,
  kind: "tool_call",
  name,
  input,
  output: null,
  tokens: 0,
});
const blocked = (runId: string, ruleId: string, toolName: string, input: unknown): Step => ({
  runId,
  seq: ++stepSeq,
  kind: "guardrail",
  name: ruleId,
  input: { tool: toolName, input },
  output: { blocked: true, rule: ruleId },
  tokens: 0,
});
const required = (runId: string, ruleId: string): Step => ({
  runId,
  seq: ++stepSeq,
  kind: "guardrail",
  name: ruleId,
  input: null,
  output: { escalationRequired: true, rule: ruleId },
  tokens: 0,
});

let actionSeq = 0;
function action(
  runId: string,
  kind: Action["kind"],
  payload: Record<string, unknown>,
  review: { decision: string; reasonTags?: string[] } | null,
  blockedBy: string | null = null,
): Action {
  return {
    id: `action-${++actionSeq}`,
    runId,
    kind,
    status: blockedBy ? "blocked" : "pending_review",
    payload,
    blockedBy,
    blockedReason: blockedBy ? `${blockedBy}: refused` : null,
    decision: review?.decision ?? null,
    reasonTags: review?.reasonTags ?? [],
  };
}

const reply = (text: string, citations: unknown[] = [{ type: "article", slug: "shipping" }]) => ({
  text,
  citations,
  model: "offline",
});
const escalation = (reason: string, team: string, ruleIds: string[]) => ({
  reason,
  team,
  urgency: "normal",
  ruleIds,
});
const refund = (amountCents: number) => ({ orderNumber: "ORD-100001", amountCents, reason: "Money back." });

function run(id: string, subject: string, body: string, policy = P1) {
  return {
    id,
    ticketId: `ticket-${id}`,
    policyVersionId: policy,
    startedAt: new Date("2026-11-01T10:00:00Z"),
    externalId: `ext-${id}`,
    subject,
    body,
    metadata: {},
    customerTier: "standard",
  };
}

const A = reply("Sorry to hear that. Our complaints process is in the article.");
const B = reply("We are sorry. Here is how complaints work.");
const F = reply("Your parcel is on its way.", []);
const G = reply("Your order ships soon.");

const HISTORY: DecidedRunHistory = {
  runs: [
    run("A", "Complaint", "I would like to make a reclamation"),
    run("B", "Unhappy", "Make a reclamation please"),
    run("C", "Person", "I want to talk to a human"),
    run("D", "Money", "Please refund me $30 for ORD-100001"),
    run("E", "Money", "Please refund me $80 for ORD-100001"),
    run("F", "Parcel", "Where is my parcel?", P0),
    run("G", "Order", "When does my order ship?"),
    run("H", "Order", "Where is my order?"),
    run("I", "Order", "What did I ask last time?"),
  ],
  steps: [
    plan("A"),
    tool("A", "search_knowledge_base", { query: "complaint" }),
    plan("A"),
    tool("A", "draft_reply", A),
    plan("B"),
    tool("B", "draft_reply", B),
    required("C", "human-requested"),
    plan("C"),
    tool(
      "C",
      "escalate_to_human",
      escalation("Customer asked for a person.", "support", ["human-requested"]),
    ),
    required("D", "refund-requests"),
    plan("D"),
    blocked("D", "no-payments", "issue_refund", refund(3_000)),
    tool("D", "escalate_to_human", escalation("Refund request.", "billing", ["refund-requests"])),
    required("E", "refund-requests"),
    plan("E"),
    blocked("E", "no-payments", "issue_refund", refund(8_000)),
    tool("E", "escalate_to_human", escalation("Refund of $80.", "billing", ["refund-requests"])),
    plan("F"),
    tool("F", "draft_reply", F),
    plan("G"),
    plan("G"),
    plan("G"),
    tool("G", "lookup_customer", { email: "a@example.com" }),
    tool("G", "draft_reply", G),
    {
      runId: "H",
      seq: ++stepSeq,
      kind: "cache",
      name: "decision cache hit",
      input: null,
      output: null,
      tokens: 0,
    },
    plan("I"),
    tool("I", "get_ticket_history", {}),
    tool("I", "draft_reply", reply("Last time you asked about shipping.")),
  ],
  actions: [
    action("A", "reply", A, { decision: "approve" }),
    action("B", "reply", B, { decision: "reject" }),
    action("C", "escalation", escalation("Customer asked for a person.", "support", ["human-requested"]), {
      decision: "reject",
      reasonTags: ["should_not_have_escalated"],
    }),
    action("D", "escalation", escalation("Refund request.", "billing", ["refund-requests"]), {
      decision: "approve",
    }),
    action("D", "refund", refund(3_000), { decision: "escalate" }, "no-payments"),
    action("E", "escalation", escalation("Refund of $80.", "billing", ["refund-requests"]), {
      decision: "approve",
    }),
    action("E", "refund", refund(8_000), { decision: "escalate" }, "no-payments"),
    action("F", "reply", F, { decision: "approve" }),
    action("G", "reply", G, { decision: "edit" }),
    action("H", "reply", reply("Cached answer."), { decision: "approve" }),
    action("I", "reply", reply("Last time you asked about shipping."), null),
  ],
  policies: [
    { id: P1, version: 1, rules: DEFAULT_RULES },
    { id: P0, version: 0, rules: DEFAULT_RULES.filter((r) => r.type !== "require_citations") },
  ],
};

const summary = (changes: DryRunChange[]) =>
  changes.map((c) => `${c.externalId} ${c.kind} ${c.ruleId} ${c.agreement}`).sort();

describe("dry-run on a fixture history with known expected changes", () => {
  const runs = buildReplayRuns(HISTORY);
  const report = replayHistory(runs, DRAFT);

  it("finds exactly the expected changes, each with the rule and whether the reviewer agrees", () => {
    expect(summary(report.rules.flatMap((r) => r.changes))).toEqual(
      [
        "ext-A newly_escalated legal-escalate disagrees",
        "ext-B newly_escalated legal-escalate agrees",
        "ext-C no_longer_escalated human-requested agrees",
        "ext-D no_longer_blocked no-payments disagrees",
        "ext-F newly_blocked verify-before-sending disagrees",
        "ext-G newly_blocked budget unknown",
        "ext-G newly_blocked budget disagrees",
        "ext-I newly_blocked no-history unknown",
      ].sort(),
    );
  });

  it("adds the changes up per rule and overall", () => {
    expect(report.runsReplayed).toBe(9);
    expect(report.ticketsReplayed).toBe(9);
    expect(report.totals).toEqual({
      newly_blocked: 4,
      newly_escalated: 2,
      no_longer_blocked: 1,
      no_longer_escalated: 1,
    });
    expect(report.affectedTickets).toBe(7);
    expect(report.agreement).toEqual({ agrees: 2, disagrees: 4, unknown: 2 });
    const legal = report.rules.find((r) => r.ruleId === "legal-escalate");
    expect(legal).toMatchObject({
      ruleName: "Always escalate legal issues",
      inDraft: true,
      counts: { newly_escalated: 2, newly_blocked: 0, no_longer_blocked: 0, no_longer_escalated: 0 },
      agreement: { agrees: 1, disagrees: 1, unknown: 0 },
      omitted: 0,
    });
    // Rules the draft dropped keep the name they had in the run's version.
    expect(report.rules.find((r) => r.ruleId === "human-requested")).toMatchObject({
      ruleName: "Customer asked for a person",
      inDraft: false,
    });
    expect(report.rules.find((r) => r.ruleId === "no-payments")?.inDraft).toBe(false);
  });

  it("links each change to its ticket and says what matched and what the reviewer did", () => {
    const a = report.rules.flatMap((r) => r.changes).find((c) => c.externalId === "ext-A");
    expect(a).toMatchObject({
      ticketId: "ticket-A",
      runId: "A",
      subject: "Complaint",
      detail: "Would escalate to legal (matched “reclamation”).",
      decided: "approved the reply",
    });
    const d = report.rules.flatMap((r) => r.changes).find((c) => c.externalId === "ext-D");
    expect(d?.detail).toBe("issue_refund would run instead of being refused.");
    expect(d?.decided).toBe("escalated the refund");
  });

  it("leaves a refund over the new cap blocked, a cached run and an unchanged reply alone", () => {
    for (const id of ["ext-E", "ext-H"]) {
      expect(report.rules.flatMap((r) => r.changes).filter((c) => c.externalId === id)).toEqual([]);
    }
  });

  it("compares policy to policy when a run recorded no guardrail steps", () => {
    const unrecorded = buildReplayRuns({
      ...HISTORY,
      runs: [run("J", "Person", "I want to talk to a human")],
      steps: [],
      actions: [
        action("J", "escalation", escalation("Asked for a person.", "support", []), { decision: "approve" }),
      ],
    })[0]!;
    expect(unrecorded.requiredRuleIds).toEqual(["human-requested"]);
    expect(replayRun(unrecorded, DEFAULT_RULES)).toEqual([]);
  });

  it("changes nothing when the draft is the policy the runs used", () => {
    const same = buildReplayRuns({ ...HISTORY, runs: HISTORY.runs.filter((r) => r.policyVersionId === P1) });
    expect(replayHistory(same, DEFAULT_RULES).rules).toEqual([]);
  });

  it("keeps at most 100 examples per rule and counts the rest", () => {
    const many = Array.from({ length: 130 }, (_, i) => ({ ...runs[0]!, runId: `A${i}`, ticketId: `t${i}` }));
    const legal = replayHistory(many, DRAFT).rules.find((r) => r.ruleId === "legal-escalate");
    expect(legal?.changes).toHaveLength(100);
    expect(legal?.omitted).toBe(30);
    expect(legal?.counts.newly_escalated).toBe(130);
  });
});

describe("rebuilding runs from recorded steps", () => {
  const runs = new Map(buildReplayRuns(HISTORY).map((r) => [r.runId, r]));

  it("gives each call the gate state it was made in: model steps and tokens so far", () => {
    const g = runs.get("G")!;
    expect(g.calls.map((c) => [c.tool, c.state.steps, c.state.tokens])).toEqual([
      ["lookup_customer", 3, 300],
      ["draft_reply", 3, 300],
    ]);
  });

  it("matches proposing calls to the actions they created, and blocked calls keep their rule", () => {
    const d = runs.get("D")!;
    const refundCall = d.calls.find((c) => c.tool === "issue_refund");
    expect(refundCall?.blockedBy).toBe("no-payments");
    expect(refundCall?.action?.kind).toBe("refund");
    expect(refundCall?.action?.review?.decision).toBe("escalate");
    // the default policy's version: the refund expression, and triage reading a payment risk
    expect(d.requiredRuleIds).toEqual(["refund-requests", "triage-payments"]);
    expect(d.calls.find((c) => c.tool === "escalate_to_human")?.action?.kind).toBe("escalation");
  });

  it("replays proposals without recorded calls (a cached decision) at the end of the run", () => {
    const h = runs.get("H")!;
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]).toMatchObject({ tool: "draft_reply", blockedBy: null });
  });

  it("reads the ticket text, tier and the helpdesk's intent", () => {
    const withIntent = buildReplayRuns({
      ...HISTORY,
      runs: [{ ...HISTORY.runs[0]!, metadata: { intent: "complaint" }, customerTier: "vip" }],
    })[0]!;
    expect(withIntent.facts).toMatchObject({
      text: "Complaint\nI would like to make a reclamation",
      customerTier: "vip",
      intent: "complaint",
      // the committed triage model reads the ticket again
      triage: { intent: "complaint", category: "none" },
    });
  });

  it("replays runs of a version whose stored rules no longer validate as failed closed", () => {
    const broken = buildReplayRuns({
      ...HISTORY,
      runs: [HISTORY.runs[0]!],
      policies: [{ id: P1, version: 1, rules: [{ type: "nope" }] }],
    })[0]!;
    expect(broken.ruleNames.get("policy-invalid")).toBe("Policy could not be loaded");
  });
});

describe("each rule type in a dry-run", () => {
  const base = { name: "Rule", explanation: "Why." };
  const ticket = (text: string, extra: Partial<ReplayRun> = {}): ReplayRun => ({
    runId: "r",
    ticketId: "t",
    externalId: "x",
    subject: "s",
    startedAt: new Date(),
    facts: { text, customerTier: "gold", intent: "cancel_order" },
    calls: [],
    actions: [],
    requiredRuleIds: [],
    ruleNames: new Map(),
    citationRuleId: null,
    ...extra,
  });
  const kinds = (r: ReplayRun, rules: Rule[]) => replayRun(r, rules).map((c) => `${c.kind} ${c.ruleId}`);
  const call = (toolName: ReplayRun["calls"][number]["tool"], input: unknown = {}, steps = 1) => ({
    tool: toolName,
    input,
    state: { steps, tokens: 500 },
    blockedBy: null,
    action: null,
  });

  it("escalates on keywords, a regular expression, an intent, a customer tier and an amount", () => {
    const r = ticket("My solicitor says the $900 charge is wrong");
    expect(
      kinds(r, [{ ...base, id: "k", type: "escalate_keywords", keywords: ["solicitor"], team: "legal" }]),
    ).toEqual(["newly_escalated k"]);
    expect(
      kinds(r, [{ ...base, id: "re", type: "escalate_regex", pattern: "charge\\b", team: "billing" }]),
    ).toEqual(["newly_escalated re"]);
    expect(
      kinds(r, [{ ...base, id: "i", type: "escalate_intent", intents: ["cancel_order"], team: "support" }]),
    ).toEqual(["newly_escalated i"]);
    expect(
      kinds(r, [
        { ...base, id: "c", type: "escalate_customer", attribute: "tier", values: ["gold"], team: "support" },
      ]),
    ).toEqual(["newly_escalated c"]);
    expect(
      kinds(r, [{ ...base, id: "a", type: "escalate_amount", overCents: 50_000, team: "billing" }]),
    ).toEqual(["newly_escalated a"]);
    expect(
      kinds(r, [{ ...base, id: "a", type: "escalate_amount", overCents: 90_000, team: "billing" }]),
    ).toEqual([]);
  });

  it("does not count an escalation rule when the run escalated already", () => {
    const r = ticket("My solicitor", { requiredRuleIds: ["other"] });
    expect(
      kinds(r, [{ ...base, id: "k", type: "escalate_keywords", keywords: ["solicitor"], team: "legal" }]),
    ).toEqual([]);
  });

  it("blocks a tool, an action kind, a refund over the maximum and a call over budget", () => {
    const r = ticket("hello", {
      calls: [
        call("lookup_orders"),
        call("draft_reply", { text: "Hi" }),
        call("issue_refund", { amountCents: 2_000 }, 4),
      ],
    });
    expect(kinds(r, [{ ...base, id: "t", type: "block_tool", tool: "lookup_orders" }])).toEqual([
      "newly_blocked t",
    ]);
    expect(kinds(r, [{ ...base, id: "ac", type: "block_action", action: "reply" }])).toEqual([
      "newly_blocked ac",
    ]);
    expect(kinds(r, [{ ...base, id: "m", type: "max_refund", maxCents: 1_000 }])).toEqual([
      "newly_blocked m",
    ]);
    expect(kinds(r, [{ ...base, id: "b", type: "budget", maxSteps: 3, maxTokens: 10_000 }])).toEqual([
      "newly_blocked b",
    ]);
    expect(kinds(r, [{ ...base, id: "b", type: "budget", maxSteps: 5, maxTokens: 400 }])).toEqual([
      "newly_blocked b",
      "newly_blocked b",
      "newly_blocked b",
    ]);
  });

  it("requires citations on recorded replies, and lifting the rule unblocks replies blocked only for that", () => {
    const uncited: ReplayAction = {
      id: "a1",
      kind: "reply",
      payload: { text: "Hi", citations: [] },
      blockedBy: null,
      blockedReason: null,
      review: { decision: "reject", reasonTags: [] },
    };
    const rule: Rule = { ...base, id: "cite", type: "require_citations" };
    expect(
      replayRun(ticket("hello", { actions: [uncited] }), [rule]).map((c) => [c.kind, c.agreement]),
    ).toEqual([["newly_blocked", "agrees"]]);
    const setAside = (checks: string): ReplayAction => ({
      ...uncited,
      blockedBy: "verify:citations_present",
      blockedReason: `Failed verification (${checks}): A reply draft cites nothing.`,
    });
    const r = ticket("hello", { actions: [setAside("citations_present")], citationRuleId: "cite" });
    expect(kinds(r, [])).toEqual(["no_longer_blocked cite"]);
    expect(kinds(ticket("hello", { actions: [setAside("citations_present, facts_grounded")] }), [])).toEqual(
      [],
    );
  });
});

describe("agreement with what reviewers decided", () => {
  const act = (
    kind: ReplayAction["kind"],
    decision: string | null,
    reasonTags: string[] = [],
  ): ReplayAction => ({
    id: `${kind}-${decision}`,
    kind,
    payload: {},
    blockedBy: null,
    blockedReason: null,
    review: decision ? { decision, reasonTags } : null,
  });
  const runOf = (...actions: ReplayAction[]) => ({ actions }) as ReplayRun;

  it("a new block agrees when the reviewer did not let the proposal through", () => {
    expect(blockAgreement(act("reply", "reject"))).toBe("agrees");
    expect(blockAgreement(act("refund", "escalate"))).toBe("agrees");
    expect(blockAgreement(act("reply", "approve"))).toBe("disagrees");
    expect(blockAgreement(act("reply", "edit"))).toBe("disagrees");
    expect(blockAgreement(act("escalation", "approve"))).toBe("disagrees");
    expect(blockAgreement(act("escalation", "reject"))).toBe("agrees");
    expect(blockAgreement(act("reply", null))).toBe("unknown");
    expect(blockAgreement(null)).toBe("unknown");
  });

  it("lifting a block agrees only when the reviewer tagged the block as wrong", () => {
    expect(unblockAgreement(act("refund", "escalate"))).toBe("disagrees");
    expect(unblockAgreement(act("refund", "reject"))).toBe("disagrees");
    expect(unblockAgreement(act("refund", "reject", ["wrong_policy"]))).toBe("agrees");
    expect(unblockAgreement(act("reply", "escalate", ["should_not_have_escalated"]))).toBe("agrees");
    expect(unblockAgreement(null)).toBe("unknown");
  });

  it("a new escalation agrees when the reviewer escalated or refused the reply", () => {
    expect(escalationAgreement(runOf(act("reply", "escalate")))).toBe("agrees");
    expect(escalationAgreement(runOf(act("reply", "reject")))).toBe("agrees");
    expect(escalationAgreement(runOf(act("reply", "approve", ["should_have_escalated"])))).toBe("agrees");
    expect(escalationAgreement(runOf(act("reply", "approve")))).toBe("disagrees");
    expect(escalationAgreement(runOf(act("reply", "edit")))).toBe("disagrees");
    expect(escalationAgreement(runOf(act("reply", null)))).toBe("unknown");
  });

  it("dropping an escalation agrees when the reviewer rejected it", () => {
    expect(deescalationAgreement(runOf(act("escalation", "reject")))).toBe("agrees");
    expect(deescalationAgreement(runOf(act("escalation", "approve", ["should_not_have_escalated"])))).toBe(
      "agrees",
    );
    expect(deescalationAgreement(runOf(act("escalation", "approve")))).toBe("disagrees");
    expect(deescalationAgreement(runOf(act("reply", "escalate")))).toBe("disagrees");
    expect(deescalationAgreement(runOf(act("escalation", null)))).toBe("unknown");
  });
});
