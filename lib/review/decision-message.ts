import type { agentActions } from "@/db/schema";
import type { EscalationPayload, RefundPayload, ReplyPayload } from "@/lib/agent/types";
import type { OutboxMessage } from "@/lib/delivery/outbox";
import { formatCents } from "@/lib/format";
import type { FinalEscalationArguments } from "./escalation-arguments";
import type { DecisionInput } from "./schema";

type ActionRow = typeof agentActions.$inferSelect;

/** The text a person decided on: the reply, the escalation's reason, or the refund proposal. */
export function actionText(action: Pick<ActionRow, "kind" | "payload">): string {
  if (action.kind === "reply") return (action.payload as ReplyPayload).text;
  if (action.kind === "escalation") return (action.payload as EscalationPayload).reason;
  const refund = action.payload as RefundPayload;
  return `Refund ${formatCents(refund.amountCents)} on ${refund.orderNumber}: ${refund.reason}`;
}

export type TicketContact = { id: string; externalId: string; fromEmail: string; subject: string };

/** What the decision sends: the countersigned reply, or the notice of an escalation; nothing for a rejection. */
export function outboxMessage(
  input: DecisionInput,
  action: Pick<ActionRow, "kind">,
  ticket: TicketContact,
  finalText: string | null,
  escalation: { team: string; reason: string; note?: string } | null,
  approvedEscalation: FinalEscalationArguments | null,
): OutboxMessage | null {
  const base = { ticketId: ticket.id, externalId: ticket.externalId, to: ticket.fromEmail };
  if ((input.decision === "approve" || input.decision === "edit") && action.kind === "reply" && finalText) {
    return { ...base, kind: "reply", subject: `Re: ${ticket.subject}`, text: finalText };
  }
  if (input.decision === "approve" && action.kind === "escalation" && approvedEscalation) {
    const { team, reason, note } = approvedEscalation;
    return {
      ...base,
      kind: "escalation",
      subject: `Escalation: ${ticket.subject}`,
      team,
      reason,
      ...(note ? { note } : {}),
    };
  }
  if (escalation)
    return { ...base, kind: "escalation", subject: `Escalation: ${ticket.subject}`, ...escalation };
  return null;
}
