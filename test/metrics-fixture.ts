import type { Db } from "@/db";
import {
  agentActions,
  agentRuns,
  agentSteps,
  type Decision,
  policyVersions,
  reviews,
  tickets,
  users,
} from "@/db/schema";
import { blockedCheck, readVerificationStep, verificationStep } from "@/lib/agent/chain";

/**
 * A small, hand-built history for the metric tests: every row inserted
 * directly with explicit times, so each expected figure can be worked out by
 * hand (see lib/metrics/figures.test.ts for the arithmetic).
 */
export const T = (iso: string) => new Date(`2026-11-${iso}Z`);

export interface FixtureIds {
  reviewer: string;
  v1: string;
  v2: string;
  tickets: Record<string, string>;
}

interface RunSpec {
  ticket: string;
  policy: "v1" | "v2";
  model: string;
  started: string;
  status?: "succeeded" | "failed" | "running";
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  steps?: { kind: "guardrail" | "verification"; name: string; passed?: boolean }[];
  actions?: ActionSpec[];
}

interface ActionSpec {
  kind: "reply" | "escalation" | "refund";
  blockedBy?: string;
  ruleIds?: string[];
  created: string;
  review?: { decision: Decision; at: string; editDistance?: number; tags?: string[] };
}

export async function insertRun(db: Db, ids: FixtureIds, spec: RunSpec): Promise<string> {
  const [run] = await db
    .insert(agentRuns)
    .values({
      ticketId: ids.tickets[spec.ticket] as string,
      policyVersionId: ids[spec.policy],
      status: spec.status ?? "succeeded",
      model: spec.model,
      inputTokens: spec.inputTokens,
      outputTokens: spec.outputTokens,
      costMicroUsd: spec.costMicroUsd,
      latencyMs: spec.latencyMs,
      startedAt: T(spec.started),
    })
    .returning({ id: agentRuns.id });
  const runId = run?.id as string;
  for (const [seq, step] of (spec.steps ?? []).entries()) {
    await db.insert(agentSteps).values({
      runId,
      seq: seq + 1,
      kind: step.kind,
      name: step.name,
      ...typedColumns(step),
      output:
        step.kind === "verification" ? { passed: step.passed ?? true, detail: "" } : { rule: step.name },
      createdAt: T(spec.started),
    });
  }
  for (const a of spec.actions ?? []) {
    const decided =
      a.review?.decision === "approve" || a.review?.decision === "edit"
        ? "approved"
        : a.review?.decision === "escalate"
          ? "escalated"
          : a.review?.decision === "reject"
            ? "rejected"
            : a.blockedBy
              ? "blocked"
              : "pending_review";
    const payload =
      a.kind === "reply"
        ? { text: "A reply.", citations: [], model: spec.model }
        : a.kind === "escalation"
          ? { reason: "Needs a person.", team: "support", urgency: "normal", ruleIds: a.ruleIds ?? [] }
          : { orderNumber: "ORD-100000", amountCents: 1000, reason: "Money back." };
    const [action] = await db
      .insert(agentActions)
      .values({
        runId,
        ticketId: ids.tickets[spec.ticket] as string,
        kind: a.kind,
        status: decided,
        payload,
        blockedBy: a.blockedBy ?? null,
        blockedCheck: blockedCheck(a.blockedBy),
        createdAt: T(a.created),
        decidedAt: a.review ? T(a.review.at) : null,
      })
      .returning({ id: agentActions.id });
    if (a.review) {
      await db.insert(reviews).values({
        actionId: action?.id as string,
        ticketId: ids.tickets[spec.ticket] as string,
        actionKind: a.kind,
        runId,
        proposedAt: T(a.created),
        model: spec.model,
        policyVersionId: ids[spec.policy],
        reviewerId: ids.reviewer,
        decision: a.review.decision,
        editDistance: a.review.editDistance ?? (a.review.decision === "approve" ? 0 : null),
        reasonTags: a.review.tags ?? [],
        createdAt: T(a.review.at),
      });
    }
  }
  return runId;
}

/** Users, two policy versions and the tickets; runs, actions and reviews are added by each test. */
export async function insertBase(db: Db, ticketNames: string[]): Promise<FixtureIds> {
  const [reviewer] = await db
    .insert(users)
    .values({ email: "metrics@example.com", name: "Metric Reviewer", passwordHash: "x" })
    .returning({ id: users.id });
  const [v1] = await db
    .insert(policyVersions)
    .values({
      version: 1,
      status: "retired",
      rules: [{ id: "legal-escalate", name: "Legal, first wording" }],
    })
    .returning({ id: policyVersions.id });
  const [v2] = await db
    .insert(policyVersions)
    .values({
      version: 2,
      status: "published",
      rules: [
        { id: "legal-escalate", name: "Always escalate legal issues" },
        { id: "no-payments", name: "Do not handle payments" },
      ],
    })
    .returning({ id: policyVersions.id });
  const ids: FixtureIds = {
    reviewer: reviewer?.id as string,
    v1: v1?.id as string,
    v2: v2?.id as string,
    tickets: {},
  };
  await addTickets(db, ids, ticketNames);
  return ids;
}

export async function addTickets(db: Db, ids: FixtureIds, names: string[]): Promise<void> {
  for (const name of names) {
    const [t] = await db
      .insert(tickets)
      .values({ externalId: `fixture-${name}`, fromEmail: `${name}@example.com`, subject: name, body: name })
      .returning({ id: tickets.id });
    ids.tickets[name] = t?.id as string;
  }
}

/** The typed chain columns the recorder writes for a verification step of this display name. */
function typedColumns(step: { kind: string; name: string; passed?: boolean }) {
  const verification = step.kind === "verification" ? readVerificationStep(step.name) : null;
  if (!verification) return {};
  const {
    kind: _kind,
    name: _name,
    output: _output,
    ...columns
  } = verificationStep(verification.check, verification.round, { passed: step.passed ?? true, detail: "" });
  return columns;
}
