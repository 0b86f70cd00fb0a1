import { type ModelMessage, tool } from "ai";
import { z } from "zod";
import type { Db } from "@/db";
import { ticketEscalations } from "@/lib/guardrails/evaluate";
import { reflectionPrompt, ticketMessage, VERIFICATION_FAILED } from "../prompt";
import { readVerdict } from "../reflection";
import { type Attempt, setAsideFailedReplies } from "../run-attempt";
import { failedChecks } from "../verify";
import { createRuntime, type ShapeInput } from "./runtime";
import { inScope, ScopeFailure } from "./scope";

/** The reviewer agent's verdict on what the writer proposed, stored on its scope step. */
export interface ReviewerVerdict {
  verdict: "pass" | "revise";
  reasons: string[];
}

export const DELEGATE_INPUTS = {
  delegate_to_analyst: z.object({ question: z.string().max(1_000).default("") }),
  delegate_to_writer: z.object({ notes: z.string().max(2_000).default("") }),
  delegate_to_reviewer: z.object({}),
};

/** The `blocked_by` of a draft the reviewer agent did not pass. */
export const REVIEWER_BLOCK = "agent:reviewer";

/** The writer gets at most this many turns (a first draft and one revision). */
const WRITER_TURNS = 2;

/**
 * The team shape: a manager delegates, through tool calls, to an analyst
 * (reads the records, returns a brief), a writer (drafts from the brief) and
 * a reviewer (checks the draft against the policy and its sources, returns a
 * verdict with reasons). Each sub-agent's steps are their own sub-chain nested
 * under the manager. A sub-agent's failure stops the manager and is rethrown
 * naming it, so recovery escalates deterministically. What the reviewer did
 * not pass never reaches people as a proposal: it is set aside as blocked.
 */
export async function runTeam(db: Db, input: ShapeInput, fallback: string | null): Promise<Attempt> {
  const rt = createRuntime(db, input, fallback);
  const { ctx } = rt;
  const recorder = input.recorder;
  const ticket: ModelMessage = { role: "user", content: ticketMessage(input.ticket) };
  Object.assign(rt.extraInputs, DELEGATE_INPUTS);

  let sources: ModelMessage[] = [];
  let brief = "";
  let writerMessages: ModelMessage[] = [];
  let writerTurns = 0;
  let lastVerdict: ReviewerVerdict | null = null;
  let failure: ScopeFailure | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  // Sub-agents run one at a time, in the order the manager asked for them.
  const delegate = <T>(fn: () => Promise<T>) => {
    const next = queue.then(async () => {
      if (failure) return { stopped: true };
      const exhausted = rt.meter.exhausted();
      if (exhausted) return { stopped: true, budget: exhausted.budget };
      try {
        return await fn();
      } catch (error) {
        failure = error instanceof ScopeFailure ? error : new ScopeFailure("manager", error);
        return { stopped: true };
      }
    });
    queue = next;
    return next;
  };

  const analyst = () =>
    inScope(
      recorder,
      "analyst",
      async () => {
        const result = await rt.turn("analyst", [ticket]);
        sources = result.responseMessages;
        brief = result.text.slice(0, 4_000);
        return { brief };
      },
      () => ({ articles: ctx.retrieved.articles.size, orders: ctx.retrieved.orders.size }),
    );

  const writer = (notes: string) =>
    inScope(
      recorder,
      "writer",
      async () => {
        writerTurns++;
        if (writerTurns > WRITER_TURNS) {
          return { proposed: false, note: "The writer already revised once: escalate instead." };
        }
        if (writerTurns === 1) {
          writerMessages = [
            ticket,
            ...sources,
            { role: "user", content: `Brief from the analyst:\n${brief}` },
          ];
        } else {
          writerMessages.push({ role: "user", content: `${VERIFICATION_FAILED} ${notes}`.slice(0, 4_000) });
        }
        // The writer's turn ends with its first proposal.
        const before = ctx.proposals.length;
        const result = await rt.turn("writer", writerMessages, {}, () => ctx.proposals.length > before);
        writerMessages.push(...result.responseMessages);
        return { proposed: ctx.proposals.length > 0, proposals: ctx.proposals.map((p) => p.kind) };
      },
      (r) => r,
    );

  const reviewer = () =>
    inScope(
      recorder,
      "reviewer",
      async (): Promise<ReviewerVerdict> => {
        const reasons: string[] = [];
        const reply = ctx.proposals.find((p) => p.kind === "reply");
        if (reply) {
          const facts = [...ctx.retrieved.articles.keys()]
            .map((s) => `article ${s}`)
            .concat([...ctx.retrieved.orders.keys()].map((n) => `order ${n}`));
          const review = await rt.turn("reviewer", [
            { role: "user", content: reflectionPrompt(reply.payload.text, facts.join("\n") || "none") },
          ]);
          const read = readVerdict(review.text);
          if (read?.verdict === "revise")
            reasons.push(`reflection: ${read.notes.join(" ") || "revise the draft"}`);
        }
        const failed = failedChecks(await rt.check(writerTurns > 1 ? "repair" : "first"));
        reasons.push(...failed.map((f) => `${f.check}: ${f.detail}`));
        if (failed.length) setAsideFailedReplies(ctx, failed);
        if (ctx.proposals.length === 0) reasons.push("Nothing a person can act on was proposed.");
        lastVerdict = { verdict: reasons.length === 0 ? "pass" : "revise", reasons };
        return lastVerdict;
      },
      (v) => ({ verdict: v.verdict, reasons: v.reasons }),
    );

  const tools = {
    delegate_to_analyst: tool({
      description:
        "Ask the analyst agent to read the customer, orders, history and knowledge base and return a brief.",
      inputSchema: DELEGATE_INPUTS.delegate_to_analyst,
      execute: () => delegate(analyst),
    }),
    delegate_to_writer: tool({
      description:
        "Ask the writer agent to draft from the analyst's brief (with the reviewer's reasons when revising).",
      inputSchema: DELEGATE_INPUTS.delegate_to_writer,
      execute: ({ notes }) => delegate(() => writer(notes)),
    }),
    delegate_to_reviewer: tool({
      description:
        "Ask the reviewer agent to check the draft against the policy and its sources; it returns a verdict.",
      inputSchema: DELEGATE_INPUTS.delegate_to_reviewer,
      execute: () => delegate(reviewer),
    }),
  };

  const modelId = rt.modelOf("manager");
  await inScope(
    recorder,
    "manager",
    async () => {
      await rt.turn("manager", [ticket], tools, () => failure !== null);
      await queue;
      if (failure) throw failure;
      // The manager proposes only what the reviewer passed.
      const verdict = lastVerdict as ReviewerVerdict | null;
      if (verdict?.verdict !== "pass" && !ctx.proposals.some((p) => p.kind === "escalation")) {
        for (const p of ctx.proposals.filter((p) => p.kind === "reply")) {
          ctx.blocked.push({
            ...p,
            blockedBy: REVIEWER_BLOCK,
            blockedReason: "The reviewer agent did not pass it.",
          });
        }
        const required = ticketEscalations(input.rules, input.facts);
        const reason = verdict
          ? `The reviewer agent did not pass the draft: ${verdict.reasons.join("; ")}`
          : "The manager ended without a reviewed proposal.";
        ctx.proposals.splice(0, ctx.proposals.length, ...ctx.proposals.filter((p) => p.kind !== "reply"));
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
      return { verdict: verdict?.verdict ?? null };
    },
    (r) => r,
  );
  return rt.done(rt.meter.exhausted(), modelId);
}
