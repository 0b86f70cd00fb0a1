import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { agentActions, tickets, users } from "@/db/schema";
import { OFFLINE_MODEL_ID } from "@/lib/agent/offline/model";
import { runAgent } from "@/lib/agent/run";
import { decideAction } from "@/lib/review/decide";
import type { DecisionInput } from "@/lib/review/schema";

/** Test helpers for lib/guardrails: real runs of the offline agent on seeded tickets, decided the way a reviewer would. */

const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };

export async function userOfRole(db: Db, role: "admin" | "reviewer") {
  const [row] = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.role, role));
  if (!row) throw new Error(`no ${role} seeded`);
  return row;
}

/** Drafts a seeded ticket with the offline model and returns its actions. */
export async function draftTicket(db: Db, externalId: string) {
  const [ticket] = await db
    .select({ id: tickets.id })
    .from(tickets)
    .where(eq(tickets.externalId, externalId));
  if (!ticket) throw new Error(`no ticket ${externalId}`);
  const outcome = await runAgent(db, ticket.id, { models: OFFLINE, useCache: false });
  const actions = await db
    .select({
      id: agentActions.id,
      kind: agentActions.kind,
      status: agentActions.status,
      version: agentActions.version,
      blockedBy: agentActions.blockedBy,
    })
    .from(agentActions)
    .where(eq(agentActions.runId, outcome.runId));
  return { ticketId: ticket.id, runId: outcome.runId, actions };
}

type Decision =
  | { decision: "approve" }
  | { decision: "escalate"; team: "support" | "billing" | "legal" | "privacy" | "security"; reason: string }
  | { decision: "reject"; reason: string };

/** Decides one action of a drafted ticket, picked by kind. */
export async function decide(
  db: Db,
  drafted: Awaited<ReturnType<typeof draftTicket>>,
  kind: "reply" | "escalation" | "refund",
  decision: Decision,
  reasonTags: DecisionInput["reasonTags"] = [],
) {
  const action = drafted.actions.find((a) => a.kind === kind);
  if (!action) throw new Error(`the run proposed no ${kind}: ${JSON.stringify(drafted.actions)}`);
  const reviewer = await userOfRole(db, "reviewer");
  return decideAction(db, reviewer, {
    actionId: action.id,
    version: action.version,
    reasonTags,
    ...decision,
  } as DecisionInput);
}
