import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import { customers, tickets } from "@/db/schema";
import type { EscalationPayload } from "@/lib/agent/types";
import { AppError } from "@/lib/errors";
import { checkToolCall, ticketEscalations } from "@/lib/guardrails/evaluate";
import { loadPolicy } from "@/lib/guardrails/policy";
import { type EscalationArguments, escalationArgumentsSchema } from "./schema";

/** The escalation as approved: the agent's reason with the reviewer's team, urgency and note. */
export interface FinalEscalationArguments extends EscalationArguments {
  reason: string;
}

/** A refusal that names the field the reviewer must change. */
function refuseField(field: keyof EscalationArguments, message: string): never {
  throw new AppError("bad_request:review", message, { fieldErrors: { [field]: [message] } });
}

/**
 * Checks the arguments an escalation will be approved with against the
 * policy published now (not the one the run used): a rule that blocks
 * escalations refuses them all, and when the ticket triggers escalation rules
 * the team must be one those rules send it to.
 */
export async function checkEscalationArguments(
  db: Db,
  ticketId: string,
  proposed: EscalationPayload,
  edits: EscalationArguments | undefined,
): Promise<FinalEscalationArguments> {
  const args: FinalEscalationArguments = {
    reason: proposed.reason,
    team: edits?.team ?? proposed.team,
    urgency: edits?.urgency ?? proposed.urgency,
    ...(edits?.note ? { note: edits.note } : {}),
  };
  const parsed = escalationArgumentsSchema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    refuseField(
      (issue?.path[0] as keyof EscalationArguments) ?? "team",
      issue?.message ?? "Check the escalation.",
    );
  }

  const row = await getPublishedPolicyRow(db);
  if (!row)
    throw new AppError(
      "unavailable:policy",
      "No policy is published: publish one before approving escalations.",
    );
  const policy = loadPolicy(row);

  const gate = checkToolCall(policy.rules, "escalate_to_human", args, { steps: 0, tokens: 0 });
  if (!gate.allowed) {
    refuseField(
      "team",
      `The published policy refuses this escalation (rule "${gate.ruleName}": ${gate.reason}) Reject it instead.`,
    );
  }

  const [ticket] = await db
    .select({
      subject: tickets.subject,
      body: tickets.body,
      metadata: tickets.metadata,
      tier: customers.tier,
    })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(eq(tickets.id, ticketId));
  if (!ticket) throw new AppError("not_found:ticket", "This ticket does not exist any more.");
  const intent = ticket.metadata.intent;
  const required = ticketEscalations(policy.rules, {
    text: `${ticket.subject}\n${ticket.body}`,
    customerTier: ticket.tier,
    intent: typeof intent === "string" ? intent : null,
  });
  if (required.length > 0 && !required.some((rule) => rule.team === args.team)) {
    const teams = [...new Set(required.map((rule) => rule.team))];
    const names = required.map((rule) => `"${rule.ruleName}"`).join(", ");
    refuseField(
      "team",
      `Team: the policy (${names}) sends this ticket to ${teams.join(" or ")}, not ${args.team}. Choose ${teams.join(" or ")}.`,
    );
  }
  return args;
}
