import { orderNumbersInText } from "./facts";
import type { TicketInput } from "./types";

export interface Route {
  size: "small" | "large";
  modelId: string;
  rule: string;
}

const SENSITIVE =
  /\b(refund|charge[ds]?|payment|money|lawyer|legal|court|sue|delete|erase|gdpr|fraud|complain\w*)\b/i;

/**
 * Cost control: simple tickets go to the small model, the rest to the large
 * one. The rule that decided is recorded on the run.
 */
export function routeTicket(
  ticket: Pick<TicketInput, "subject" | "body" | "customer">,
  models: { small: string; large: string },
): Route {
  const text = `${ticket.subject}\n${ticket.body}`;
  const words = text.split(/\s+/).filter(Boolean).length;
  const large = (rule: string): Route => ({ size: "large", modelId: models.large, rule });
  if (ticket.customer?.tier === "vip") return large("vip customer");
  if (SENSITIVE.test(text)) return large("mentions money, legal action or data deletion");
  if (words > 150) return large(`long ticket (${words} words > 150)`);
  if (orderNumbersInText(text).length > 1) return large("several orders mentioned");
  return { size: "small", modelId: models.small, rule: `short routine ticket (${words} words)` };
}
