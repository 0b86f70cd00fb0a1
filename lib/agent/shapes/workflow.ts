import type { ModelMessage } from "ai";
import { z } from "zod";
import type { Db } from "@/db";
import { ticketEscalations } from "@/lib/guardrails/evaluate";
import { reflectionPrompt, ticketMessage, VERIFICATION_FAILED } from "../prompt";
import { readVerdict } from "../reflection";
import { type Attempt, setAsideFailedReplies } from "../run-attempt";
import { failedChecks } from "../verify";
import { createRuntime, type ShapeInput } from "./runtime";
import { inScope } from "./scope";

const validation = z.object({ valid: z.boolean(), reason: z.string().max(1_000).default("") });

/** The validate_input stage's answer; an answer that is not one fails the stage. */
export function readValidation(text: string): z.infer<typeof validation> {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  const parsed = json ? validation.safeParse(safeJson(json)) : null;
  if (!parsed?.success)
    throw new Error(`validate_input did not answer with a verdict: “${text.slice(0, 200)}”`);
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The workflow shape: validate_input → process_request → verify_output →
 * execute_action, each its own stage (own model, tools and constraint) with
 * its steps recorded under its name. A stage that rejects the ticket stops the
 * workflow with an escalation naming it; a stage whose model fails throws a
 * ScopeFailure that recovery turns into the fallback or the deterministic
 * escalation. execute_action only queues proposals for people.
 */
export async function runWorkflow(db: Db, input: ShapeInput, fallback: string | null): Promise<Attempt> {
  const rt = createRuntime(db, input, fallback);
  const { ctx, recorder } = { ctx: rt.ctx, recorder: input.recorder };
  const ticket: ModelMessage = { role: "user", content: ticketMessage(input.ticket) };
  const modelId = rt.modelOf("process_request");

  const verdict = await inScope(
    recorder,
    "validate_input",
    async () => readValidation((await rt.turn("validate_input", [ticket])).text),
    (v) => ({ valid: v.valid, reason: v.reason }),
  );
  if (!verdict.valid) {
    stopWith(
      `The workflow stopped at validate_input: ${verdict.reason || "the request is not one the shop can act on"}.`,
    );
    return rt.done(null, modelId);
  }
  let exhausted = rt.meter.exhausted();
  if (exhausted) return rt.done(exhausted, modelId);

  const processed = await inScope(
    recorder,
    "process_request",
    () => rt.turn("process_request", [ticket]),
    () => ({ proposals: ctx.proposals.length, blocked: ctx.blocked.length }),
  );
  exhausted = rt.meter.exhausted();
  if (exhausted) return rt.done(exhausted, modelId);

  await inScope(
    recorder,
    "verify_output",
    async () => {
      const reply = ctx.proposals.find((p) => p.kind === "reply");
      let revise: string[] | null = null;
      if (reply) {
        const facts = [...ctx.retrieved.articles.keys()]
          .map((s) => `article ${s}`)
          .concat([...ctx.retrieved.orders.keys()].map((n) => `order ${n}`));
        const review = await rt.turn("verify_output", [
          { role: "user", content: reflectionPrompt(reply.payload.text, facts.join("\n") || "none") },
        ]);
        const read = readVerdict(review.text);
        if (read?.verdict === "revise") revise = read.notes;
      }
      let failed = failedChecks(await rt.check("first"));
      if (failed.length === 0 && !revise) return { passed: true };
      const feedback = `${VERIFICATION_FAILED} ${[
        ...failed.map((f) => `${f.check}: ${f.detail}`),
        ...(revise ? [`reflection: ${revise.join(" ") || "revise the draft"}`] : []),
      ].join(" ")}`;
      setAsideFailedReplies(ctx, failed);
      // The repair goes back to process_request's model with the stage's findings.
      await rt.turn("process_request", [
        ticket,
        ...processed.responseMessages,
        { role: "user", content: feedback },
      ]);
      if (rt.meter.exhausted()) return { passed: false };
      failed = failedChecks(await rt.check("repair"));
      if (failed.length === 0) return { passed: true };
      setAsideFailedReplies(ctx, failed);
      stopWith(
        `The workflow stopped at verify_output: verification failed after one repair: ${failed
          .map((f) => `${f.check} (${f.detail})`)
          .join("; ")}`,
      );
      return { passed: false };
    },
    (r) => r,
  );
  exhausted = rt.meter.exhausted();
  if (exhausted) return rt.done(exhausted, modelId);

  return inScope(
    recorder,
    "execute_action",
    async () => {
      for (const p of ctx.proposals) {
        await recorder.record({
          kind: "action",
          name: `propose ${p.kind}`,
          output: { status: "pending_review" },
        });
      }
      return rt.done(null, modelId);
    },
    (a) => ({ proposed: a.proposals.length, blocked: a.blocked.length }),
  );

  function stopWith(reason: string) {
    const required = ticketEscalations(input.rules, input.facts);
    ctx.proposals.push({
      kind: "escalation",
      payload: {
        reason: reason.slice(0, 2_000),
        team: (required[0]?.team ?? "support") as "support",
        urgency: "normal",
        ruleIds: required.map((r) => r.ruleId),
      },
    });
  }
}
