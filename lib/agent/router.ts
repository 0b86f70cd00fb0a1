import type { Triage } from "@/lib/triage/model";
import { orderNumbersInText } from "./facts";
import type { TicketInput } from "./types";

export interface Route {
  size: "small" | "large";
  modelId: string;
  rule: string;
}

const SENSITIVE =
  /\b(refund|charge[ds]?|payment|money|lawyer|legal|court|sue|delete|erase|gdpr|fraud|complain\w*)\b/i;

/** Triage must be at least this sure that a ticket is routine for the small model to take it. */
export const ROUTINE_CONFIDENCE = 0.8;

const pct = (p: number) => `${Math.round(p * 100)} %`;

/**
 * Cost control: simple tickets go to the small model, the rest to the large
 * one. With a triage reading, "simple" means triage is sure the ticket carries
 * no risk category; the rule that decided is recorded on the run.
 */
export function routeTicket(
  ticket: Pick<TicketInput, "subject" | "body" | "customer">,
  models: { small: string; large: string },
  triage?: Pick<Triage, "category" | "categoryConfidence" | "intent" | "inScope">,
): Route {
  const text = `${ticket.subject}\n${ticket.body}`;
  const words = text.split(/\s+/).filter(Boolean).length;
  const large = (rule: string): Route => ({ size: "large", modelId: models.large, rule });
  if (ticket.customer?.tier === "vip") return large("vip customer");
  if (triage && triage.category !== "none")
    return large(`triage: ${triage.category} (${pct(triage.categoryConfidence)})`);
  if (triage && triage.categoryConfidence < ROUTINE_CONFIDENCE)
    return large(`triage unsure of the risk (none at ${pct(triage.categoryConfidence)})`);
  if (!triage && SENSITIVE.test(text)) return large("mentions money, legal action or data deletion");
  if (words > 150) return large(`long ticket (${words} words > 150)`);
  if (orderNumbersInText(text).length > 1) return large("several orders mentioned");
  return {
    size: "small",
    modelId: models.small,
    rule: triage
      ? `triage: routine ${triage.intent} (no risk at ${pct(triage.categoryConfidence)}, ${words} words)`
      : `short routine ticket (${words} words)`,
  };
}
