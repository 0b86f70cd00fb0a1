import { INTENT_ARTICLES, OUT_OF_SCOPE } from "./labels";
import type { Triage } from "./model";

/** Below this in-scope probability the request is not the shop's business: the agent abstains. */
export const MIN_IN_SCOPE = 0.5;
/** Below this intent confidence no article is taken to answer the ticket. */
export const MIN_INTENT_CONFIDENCE = 0.4;

export type Answerability =
  | { kind: "answer"; intent: string; article: string }
  | { kind: "out_of_scope"; reason: string }
  | { kind: "no_article"; intent: string; reason: string };

const pct = (p: number) => `${Math.round(p * 100)} %`;

/** Whether the offline agent may draft: only when the ticket's intent has an article that answers it, confidently. */
export function answerability(t: Triage): Answerability {
  if (t.intent === OUT_OF_SCOPE || t.inScope < MIN_IN_SCOPE) {
    return {
      kind: "out_of_scope",
      reason: `Out of scope: triage rates this request ${pct(t.inScope)} likely to be about the shop (intent ${t.intent}), so the agent does not answer it.`,
    };
  }
  const article = INTENT_ARTICLES[t.intent];
  if (!article) {
    return {
      kind: "no_article",
      intent: t.intent,
      reason: `No article answers ${t.intent}: a person should handle this ticket.`,
    };
  }
  if (t.intentConfidence < MIN_INTENT_CONFIDENCE) {
    return {
      kind: "no_article",
      intent: t.intent,
      reason: `No article answers ${t.intent} with enough confidence (${pct(t.intentConfidence)} < ${pct(MIN_INTENT_CONFIDENCE)}): a person should check what the customer asks.`,
    };
  }
  return { kind: "answer", intent: t.intent, article };
}
