import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { type DecidedRunHistory, loadDecidedRunHistory } from "@/db/queries/policies";
import { policyVersions } from "@/db/schema";
import { blockedChecks, isVerificationBlock, verificationBlock } from "@/lib/agent/chain";
import { AppError } from "@/lib/errors";
import { triageOf } from "@/lib/triage/run-step";
import { type DryRunShape, dryRunShape } from "./dry-run-shape";
import { checkToolCall, type GateState, type TicketFacts, ticketEscalations } from "./evaluate";
import { FAIL_CLOSED_RULES, rulesProblem } from "./policy";
import { type Rule, rulesSchema, TOOL_NAMES, type ToolName } from "./rules";

/**
 * Dry-run: what a draft policy would have changed on runs people already
 * decided. It replays each run's recorded tool calls through the draft's gate,
 * its recorded reply drafts through the draft's citation check, and its ticket
 * through the draft's escalation rules, without calling any model, and
 * compares the outcome with what the run's own policy produced.
 *
 * Each recorded call is judged on its own: the replay cannot know what the
 * model would have done after a refusal it never got, so it reports what the
 * gate and verification would decide, not a new decision chain.
 */

export const CHANGE_KINDS = [
  "newly_blocked",
  "newly_escalated",
  "no_longer_blocked",
  "no_longer_escalated",
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export type Agreement = "agrees" | "disagrees" | "unknown";

export interface ReplayReview {
  decision: string;
  reasonTags: string[];
}

export interface ReplayAction {
  id: string;
  kind: "reply" | "escalation" | "refund";
  payload: Record<string, unknown>;
  blockedBy: string | null;
  blockedReason: string | null;
  review: ReplayReview | null;
}

export interface ReplayCall {
  tool: ToolName;
  input: unknown;
  /** The gate's view when the call was made: model steps so far and tokens spent. */
  state: GateState;
  /** The rule that refused the call in the recorded run, or null when it ran. */
  blockedBy: string | null;
  /** The action this call proposed, when it proposed one. */
  action: ReplayAction | null;
}

export interface ReplayRun {
  runId: string;
  ticketId: string;
  externalId: string;
  subject: string;
  startedAt: Date;
  facts: TicketFacts;
  calls: ReplayCall[];
  actions: ReplayAction[];
  /** Escalation rules that fired in the recorded run, or that its version requires on this ticket. */
  requiredRuleIds: string[];
  /** Names of the rules of the version the run used, for rules the draft dropped. */
  ruleNames: Map<string, string>;
  /** The id of the run's citation rule, if its version had one. */
  citationRuleId: string | null;
}

export interface DryRunChange {
  /** Unique within a report: the run and the change's position in it. */
  id: string;
  kind: ChangeKind;
  ruleId: string;
  ruleName: string;
  runId: string;
  ticketId: string;
  externalId: string;
  subject: string;
  /** What would happen, in words. */
  detail: string;
  /** What the reviewer decided on this run, in words. */
  decided: string;
  agreement: Agreement;
}

export interface RuleImpact {
  ruleId: string;
  ruleName: string;
  inDraft: boolean;
  counts: Record<ChangeKind, number>;
  agreement: Record<Agreement, number>;
  /** The first changes, for the page; `omitted` says how many more there are. */
  changes: DryRunChange[];
  omitted: number;
}

export interface DryRunReport {
  runsReplayed: number;
  ticketsReplayed: number;
  totals: Record<ChangeKind, number>;
  affectedTickets: number;
  agreement: Record<Agreement, number>;
  rules: RuleImpact[];
}

export const MAX_CHANGES_PER_RULE = 100;

const PROPOSING: Partial<Record<ToolName, ReplayAction["kind"]>> = {
  draft_reply: "reply",
  escalate_to_human: "escalation",
  issue_refund: "refund",
};
const TOOL_OF: Record<ReplayAction["kind"], ToolName> = {
  reply: "draft_reply",
  escalation: "escalate_to_human",
  refund: "issue_refund",
};
const TOOLS = new Set<string>(TOOL_NAMES);

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** What identifies a proposal in both a tool call's input and the action's payload. */
function proposalKey(kind: ReplayAction["kind"], value: unknown): string {
  const v = asRecord(value);
  if (kind === "reply") return String(v.text ?? "");
  if (kind === "escalation") return String(v.reason ?? "");
  return `${String(v.orderNumber ?? "")}|${String(v.amountCents ?? "")}`;
}

function rulesOfVersion(rules: unknown): Rule[] {
  const parsed = rulesSchema.safeParse(rules);
  return parsed.success ? parsed.data : FAIL_CLOSED_RULES;
}

/** Amounts the run proposed to refund: escalation rules on amounts look at them too. */
function refundAmounts(actions: ReplayAction[]): number[] {
  return actions.flatMap((a) =>
    a.kind === "refund" && typeof a.payload.amountCents === "number" ? [a.payload.amountCents] : [],
  );
}

// Map.groupBy is Node 21+; the app supports Node 20.
function groupByRun<T extends { runId: string }>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.runId);
    if (group) group.push(item);
    else groups.set(item.runId, [item]);
  }
  return groups;
}

/** Turns the loaded history into runs to replay: calls with their gate state, matched to the actions they proposed. */
export function buildReplayRuns(history: DecidedRunHistory): ReplayRun[] {
  const stepsByRun = groupByRun(history.steps);
  const actionsByRun = groupByRun(history.actions);
  const policies = new Map(history.policies.map((p) => [p.id, rulesOfVersion(p.rules)]));

  return history.runs.map((run) => {
    const actions: ReplayAction[] = (actionsByRun.get(run.id) ?? []).map((a) => ({
      id: a.id,
      kind: a.kind,
      payload: a.payload,
      blockedBy: a.blockedBy,
      blockedReason: a.blockedReason,
      review: a.decision ? { decision: a.decision, reasonTags: a.reasonTags ?? [] } : null,
    }));
    const unmatched = new Set(actions);
    const claim = (kind: ReplayAction["kind"], input: unknown): ReplayAction | null => {
      const key = proposalKey(kind, input);
      for (const a of unmatched) {
        if (a.kind === kind && proposalKey(kind, a.payload) === key) {
          unmatched.delete(a);
          return a;
        }
      }
      return null;
    };

    const calls: ReplayCall[] = [];
    const required = new Set<string>();
    const state: GateState = { steps: 0, tokens: 0 };
    const steps = [...(stepsByRun.get(run.id) ?? [])].sort((a, b) => a.seq - b.seq);
    for (const step of steps) {
      const at = { ...state };
      const out = asRecord(step.output);
      if ((step.kind === "tool_call" || step.kind === "error") && TOOLS.has(step.name)) {
        const tool = step.name as ToolName;
        const kind = PROPOSING[tool];
        calls.push({
          tool,
          input: step.input,
          state: at,
          blockedBy: null,
          action: kind ? claim(kind, step.input) : null,
        });
      } else if (step.kind === "guardrail" && out.blocked === true) {
        const tried = asRecord(step.input);
        const tool = String(tried.tool ?? "");
        if (TOOLS.has(tool)) {
          const kind = PROPOSING[tool as ToolName];
          calls.push({
            tool: tool as ToolName,
            input: tried.input,
            state: at,
            blockedBy: step.name,
            action: kind ? claim(kind, tried.input) : null,
          });
        }
      } else if (step.kind === "guardrail" && out.escalationRequired === true) {
        required.add(step.name);
      }
      state.tokens += step.tokens;
      if (step.kind === "plan") state.steps += 1;
    }
    // Proposals without a recorded call (a cached decision, imported history) are replayed as if
    // made at the end of the run. Escalations the loop itself adds (fallback, failed verification)
    // never pass the gate, so they are not replayed through it either.
    for (const a of unmatched) {
      if (a.kind === "escalation") continue;
      const gateBlocked = a.blockedBy && !isVerificationBlock(a.blockedBy) ? a.blockedBy : null;
      calls.push({
        tool: TOOL_OF[a.kind],
        input: a.payload,
        state: { ...state },
        blockedBy: gateBlocked,
        action: a,
      });
    }

    const rules = run.policyVersionId ? (policies.get(run.policyVersionId) ?? []) : [];
    const intent = run.metadata.intent;
    const facts: TicketFacts = {
      text: `${run.subject}\n${run.body}`,
      customerTier: run.customerTier,
      intent: typeof intent === "string" ? intent : null,
      // The committed triage model reads the ticket again (deterministic, well under a millisecond).
      triage: triageOf(run),
    };
    // What the run's own version requires on this ticket counts too, so a run recorded without its
    // guardrail steps (a cached decision, imported history) is compared policy to policy.
    for (const f of ticketEscalations(rules, facts, refundAmounts(actions))) required.add(f.ruleId);
    return {
      runId: run.id,
      ticketId: run.ticketId,
      externalId: run.externalId,
      subject: run.subject,
      startedAt: run.startedAt,
      facts,
      calls,
      actions,
      requiredRuleIds: [...required],
      ruleNames: new Map(rules.map((r) => [r.id, r.name])),
      citationRuleId: rules.find((r) => r.type === "require_citations")?.id ?? null,
    };
  });
}

const DECISION_WORDS: Record<string, string> = {
  approve: "approved",
  edit: "edited and approved",
  escalate: "escalated",
  reject: "rejected",
};
const KIND_WORDS: Record<ReplayAction["kind"], string> = {
  reply: "the reply",
  escalation: "the escalation",
  refund: "the refund",
};

function describeReview(action: ReplayAction): string | null {
  if (!action.review) return null;
  const tags = action.review.reasonTags.length
    ? ` (${action.review.reasonTags.join(", ").replaceAll("_", " ")})`
    : "";
  return `${DECISION_WORDS[action.review.decision] ?? action.review.decision} ${KIND_WORDS[action.kind]}${tags}`;
}

function describeRun(run: ReplayRun): string {
  const words = run.actions.flatMap((a) => describeReview(a) ?? []);
  return words.length ? words.join("; ") : "not reviewed";
}

const tagged = (a: ReplayAction, ...tags: string[]) => tags.some((t) => a.review?.reasonTags.includes(t));

/**
 * A newly blocked proposal agrees with the reviewer when the reviewer did not
 * let it through either (rejected or escalated it; for an escalation: rejected
 * it), and disagrees when they approved it.
 */
export function blockAgreement(action: ReplayAction | null): Agreement {
  const decision = action?.review?.decision;
  if (!action || !decision) return "unknown";
  if (action.kind === "escalation") return decision === "reject" ? "agrees" : "disagrees";
  return decision === "reject" || decision === "escalate" ? "agrees" : "disagrees";
}

/**
 * A person can only escalate or reject a blocked action, so either decision
 * upholds the block; the reviewer disagrees with it only by tagging the review
 * "wrong policy" or "should not have escalated". Lifting a block agrees with
 * exactly those reviews.
 */
export function unblockAgreement(action: ReplayAction | null): Agreement {
  if (!action?.review) return "unknown";
  return tagged(action, "wrong_policy", "should_not_have_escalated") ? "agrees" : "disagrees";
}

/**
 * A new forced escalation agrees when the reviewer escalated something,
 * approved the agent's own escalation, rejected the reply, or tagged "should
 * have escalated"; it disagrees when they approved the reply as it was.
 */
export function escalationAgreement(run: ReplayRun): Agreement {
  const reviewed = run.actions.filter((a) => a.review);
  const wanted = reviewed.some(
    (a) =>
      a.review?.decision === "escalate" ||
      (a.kind === "escalation" && a.review?.decision === "approve") ||
      (a.kind === "reply" && a.review?.decision === "reject") ||
      tagged(a, "should_have_escalated"),
  );
  if (wanted) return "agrees";
  const sent = reviewed.some(
    (a) => a.kind === "reply" && (a.review?.decision === "approve" || a.review?.decision === "edit"),
  );
  return sent ? "disagrees" : "unknown";
}

/**
 * Dropping a forced escalation agrees when the reviewer rejected the
 * escalation or tagged "should not have escalated"; it disagrees when they
 * approved the escalation or escalated the ticket themselves.
 */
export function deescalationAgreement(run: ReplayRun): Agreement {
  const reviewed = run.actions.filter((a) => a.review);
  if (
    reviewed.some(
      (a) =>
        (a.kind === "escalation" && a.review?.decision === "reject") ||
        tagged(a, "should_not_have_escalated"),
    )
  )
    return "agrees";
  if (
    reviewed.some(
      (a) =>
        a.review?.decision === "escalate" || (a.kind === "escalation" && a.review?.decision === "approve"),
    )
  )
    return "disagrees";
  return "unknown";
}

/** The verification checks a blocked reply failed, read from how verification recorded them. */
function failedChecks(action: ReplayAction): Set<string> {
  return blockedChecks(action.blockedBy, action.blockedReason);
}

const citationCount = (action: ReplayAction) => {
  const citations = action.payload.citations;
  return Array.isArray(citations) ? citations.length : 0;
};

/** Every change the draft would make on one run. */
export function replayRun(run: ReplayRun, draft: Rule[]): DryRunChange[] {
  const changes: DryRunChange[] = [];
  const draftNames = new Map(draft.map((r) => [r.id, r.name]));
  const nameOf = (id: string) => draftNames.get(id) ?? run.ruleNames.get(id) ?? id;
  const change = (c: Omit<DryRunChange, "id" | "runId" | "ticketId" | "externalId" | "subject">) =>
    changes.push({
      id: `${run.runId}:${changes.length}`,
      runId: run.runId,
      ticketId: run.ticketId,
      externalId: run.externalId,
      subject: run.subject,
      ...c,
    });
  const decidedOn = (action: ReplayAction | null) => (action && describeReview(action)) || describeRun(run);

  // The gate, call by call.
  const newlyBlocked = new Set<string>();
  for (const call of run.calls) {
    const decision = checkToolCall(draft, call.tool, asRecord(call.input), call.state);
    if (call.blockedBy === null && !decision.allowed) {
      if (call.action) newlyBlocked.add(call.action.id);
      change({
        kind: "newly_blocked",
        ruleId: decision.ruleId,
        ruleName: decision.ruleName,
        detail: `${call.tool} would be refused: ${decision.reason}`,
        decided: decidedOn(call.action),
        agreement: blockAgreement(call.action),
      });
    } else if (call.blockedBy !== null && decision.allowed) {
      change({
        kind: "no_longer_blocked",
        ruleId: call.blockedBy,
        ruleName: nameOf(call.blockedBy),
        detail: `${call.tool} would run instead of being refused.`,
        decided: decidedOn(call.action),
        agreement: unblockAgreement(call.action),
      });
    }
  }

  // Verification of the recorded reply drafts: the citation rule.
  const citationRule = draft.find((r) => r.type === "require_citations");
  for (const reply of run.actions) {
    if (reply.kind !== "reply" || newlyBlocked.has(reply.id)) continue;
    const failed = failedChecks(reply);
    if (citationRule && reply.blockedBy === null && citationCount(reply) === 0) {
      change({
        kind: "newly_blocked",
        ruleId: citationRule.id,
        ruleName: citationRule.name,
        detail: "The reply cites nothing, so it would fail verification (citations are required).",
        decided: decidedOn(reply),
        agreement: blockAgreement(reply),
      });
    } else if (!citationRule && failed.size === 1 && failed.has("citations_present")) {
      const ruleId = run.citationRuleId ?? verificationBlock("citations_present");
      change({
        kind: "no_longer_blocked",
        ruleId,
        ruleName: nameOf(ruleId),
        detail: "The reply cites nothing; without a citation rule it would pass verification.",
        decided: decidedOn(reply),
        agreement: unblockAgreement(reply),
      });
    }
  }

  // Escalation rules on the ticket (and on refund amounts the run proposed).
  const fired = ticketEscalations(draft, run.facts, refundAmounts(run.actions));
  const escalatedBefore = run.requiredRuleIds.length > 0 || run.actions.some((a) => a.kind === "escalation");
  if (fired.length > 0 && !escalatedBefore) {
    const agreement = escalationAgreement(run);
    for (const f of fired) {
      change({
        kind: "newly_escalated",
        ruleId: f.ruleId,
        ruleName: f.ruleName,
        detail: `Would escalate to ${f.team} (matched “${f.matched}”).`,
        decided: describeRun(run),
        agreement,
      });
    }
  } else if (fired.length === 0 && run.requiredRuleIds.length > 0) {
    const agreement = deescalationAgreement(run);
    for (const ruleId of run.requiredRuleIds) {
      change({
        kind: "no_longer_escalated",
        ruleId,
        ruleName: nameOf(ruleId),
        detail: "No rule of the draft would require an escalation.",
        decided: describeRun(run),
        agreement,
      });
    }
  }
  return changes;
}

const zeroKinds = (): Record<ChangeKind, number> => ({
  newly_blocked: 0,
  newly_escalated: 0,
  no_longer_blocked: 0,
  no_longer_escalated: 0,
});
const zeroAgreement = (): Record<Agreement, number> => ({ agrees: 0, disagrees: 0, unknown: 0 });

/** Replays every run and adds the changes up per rule, with agreement counts. */
export function replayHistory(runs: ReplayRun[], draft: Rule[]): DryRunReport {
  const draftIds = new Set(draft.map((r) => r.id));
  const byRule = new Map<string, RuleImpact>();
  const totals = zeroKinds();
  const agreement = zeroAgreement();
  const affected = new Set<string>();
  for (const run of runs) {
    for (const c of replayRun(run, draft)) {
      let impact = byRule.get(c.ruleId);
      if (!impact) {
        impact = {
          ruleId: c.ruleId,
          ruleName: c.ruleName,
          inDraft: draftIds.has(c.ruleId),
          counts: zeroKinds(),
          agreement: zeroAgreement(),
          changes: [],
          omitted: 0,
        };
        byRule.set(c.ruleId, impact);
      }
      impact.counts[c.kind]++;
      impact.agreement[c.agreement]++;
      if (impact.changes.length < MAX_CHANGES_PER_RULE) impact.changes.push(c);
      else impact.omitted++;
      totals[c.kind]++;
      agreement[c.agreement]++;
      affected.add(c.ticketId);
    }
  }
  const total = (r: RuleImpact) => CHANGE_KINDS.reduce((n, k) => n + r.counts[k], 0);
  return {
    runsReplayed: runs.length,
    ticketsReplayed: new Set(runs.map((r) => r.ticketId)).size,
    totals,
    affectedTickets: affected.size,
    agreement,
    rules: [...byRule.values()].sort((a, b) => total(b) - total(a) || a.ruleId.localeCompare(b.ruleId)),
  };
}

export interface DryRunResult extends DryRunReport {
  draftId: string;
  draftVersion: number;
  limit: number;
  /** Wall time, and how it splits between loading the history and replaying it. */
  elapsedMs: number;
  loadMs: number;
  replayMs: number;
  /** The agent's shape under the published version and under the draft, with what runs of each spent lately. */
  shape: DryRunShape;
}

/** Dry-runs a saved draft against the last `limit` decided runs. */
export async function dryRunPolicyDraft(db: Db, draftId: string, limit: number): Promise<DryRunResult> {
  const started = performance.now();
  const [draft] = await db.select().from(policyVersions).where(eq(policyVersions.id, draftId));
  if (!draft) {
    throw new AppError(
      "not_found:policy",
      "This draft does not exist any more: it was discarded. Reload the page.",
    );
  }
  if (draft.status !== "draft") {
    throw new AppError(
      "conflict:policy",
      `Version ${draft.version} is no longer a draft (it is ${draft.status}). Reload the page and start a new draft.`,
    );
  }
  const parsed = rulesSchema.safeParse(draft.rules);
  if (!parsed.success) {
    throw new AppError(
      "bad_request:policy",
      `The draft's stored rules do not validate (${rulesProblem(draft.rules)}). Fix the rule in the editor and save the draft again.`,
    );
  }
  const shape = await dryRunShape(db, draft.agentShape);
  const history = await loadDecidedRunHistory(db, limit);
  const loaded = performance.now();
  const report = replayHistory(buildReplayRuns(history), parsed.data);
  const done = performance.now();
  return {
    ...report,
    draftId: draft.id,
    draftVersion: draft.version,
    limit,
    elapsedMs: Math.round(done - started),
    loadMs: Math.round(loaded - started),
    replayMs: Math.round(done - loaded),
    shape,
  };
}
