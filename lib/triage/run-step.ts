import type { StepRecorder } from "@/lib/agent/recorder";
import { answerability } from "./answer";
import { type Triage, triageTicket } from "./model";

/** The triage columns a ticket stores. */
export function triageColumns(t: Triage) {
  return { triageIntent: t.intent, triageCategory: t.category, triageConfidence: t.categoryConfidence };
}

/** Reads a ticket with the committed triage model (well under a millisecond). */
export function triageOf(ticket: { subject: string; body: string }): Triage {
  return triageTicket(ticket.subject, ticket.body);
}

/**
 * The first step of every agent run, whatever the model: the triage reading
 * is stored in the chain (the run stores it on the ticket as it starts).
 * Escalations it forces come from the policy's escalate_category rules, which
 * read `triage` from the facts.
 */
export async function recordTriageStep(recorder: StepRecorder, ticketId: string, triage: Triage) {
  const started = performance.now();
  const answer = answerability(triage);
  await recorder.record({
    kind: "triage",
    name: `triage: ${triage.category} · ${triage.intent}`,
    input: { model: "triage", ticketId },
    output: {
      intent: triage.intent,
      intentConfidence: triage.intentConfidence,
      category: triage.category,
      categoryConfidence: triage.categoryConfidence,
      categories: triage.categories,
      inScope: triage.inScope,
      alternatives: triage.alternatives,
      answerable: answer.kind === "answer" ? { article: answer.article } : { reason: answer.reason },
    },
    latencyMs: Math.round(performance.now() - started),
  });
}
