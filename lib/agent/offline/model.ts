import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from "@ai-sdk/provider";
import { answerability } from "@/lib/triage/answer";
import { triageOf } from "@/lib/triage/run-step";
import { amountsInText, orderNumbersInText } from "../facts";
import {
  GUIDANCE_HEADER,
  parseRequiredEscalations,
  parseTicketMessage,
  REFLECTION_MARKER,
  VERIFICATION_FAILED,
} from "../prompt";
import { roleOf } from "../shapes/roles";
import { countTokens, countTokensOfParts } from "../tokens";
import type { RetrievedOrder } from "../types";
import { type ArticleFact, composeReply } from "./compose";
import { analystBrief, managerNext, validateInput } from "./roles";

export const OFFLINE_MODEL_ID = "offline";

/** Below this rank no article is taken to answer the ticket: the agent escalates instead. */
export const MIN_ARTICLE_RANK = 0.1;

const STOPWORDS = new Set(
  "i me my we our you your he she it they them a an the and or but if then so to of in on at by for with about from as is are was were be been being have has had do does did can could would should will shall may might must not no yes please thanks thank hi hello hey dear help need want like know tell get got just also still really very some any this that these those there here what which who whom how when where why am pm im ive id dont cant wont isnt arent wasnt ill youre would ok okay".split(
    " ",
  ),
);

/** Asking for money back, as opposed to asking about refunds. */
const WANTS_REFUND =
  /\b(refund (me|my|the|this|for)|(want|need|get|request|claim|demand|receive|obtain|issue)\w* (a |my |the |full |an? )?(full )?(refund|reimbursement|compensation|money back)|money back|reimburse me|give me (a|my) refund)\b|^\W*(refund|reimburse|rebate)\w*\s*\$?\d/i;
const ASKS_ABOUT_REFUND =
  /\b(polic\w*|guarantee|circumstances|in (what|which) cases|situations|track\w*|status|waiting|expect\w*|when will|how long|see|check\w*)\b/i;

interface ToolExchange {
  toolName: string;
  input: unknown;
  output: unknown;
}

interface Conversation {
  system: string;
  ticket: { fromEmail: string; subject: string; body: string } | null;
  exchanges: ToolExchange[];
  feedback: string | null;
  /** How many tool exchanges came before the verification feedback. */
  feedbackAt: number;
}

function readConversation(prompt: LanguageModelV4Prompt): Conversation {
  let system = "";
  let ticket: Conversation["ticket"] = null;
  let feedback: string | null = null;
  let feedbackAt = 0;
  const calls = new Map<string, { toolName: string; input: unknown }>();
  const exchanges: ToolExchange[] = [];
  for (const message of prompt) {
    if (message.role === "system") system += `${message.content}\n`;
    if (message.role === "user") {
      for (const part of message.content) {
        if (part.type !== "text") continue;
        ticket ??= parseTicketMessage(part.text);
        if (part.text.startsWith(VERIFICATION_FAILED)) {
          feedback = part.text;
          feedbackAt = exchanges.length;
        }
      }
    }
    if (message.role === "assistant") {
      for (const part of message.content) {
        if (part.type === "tool-call") {
          const input = typeof part.input === "string" ? safeJson(part.input) : part.input;
          calls.set(part.toolCallId, { toolName: part.toolName, input });
        }
      }
    }
    if (message.role === "tool") {
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        const call = calls.get(part.toolCallId);
        const output =
          part.output.type === "json" || part.output.type === "text" ? part.output.value : part.output;
        exchanges.push({ toolName: part.toolName, input: call?.input, output });
      }
    }
  }
  return { system, ticket, exchanges, feedback, feedbackAt };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Customers' words for what the knowledge base calls something else. */
const SYNONYMS: Record<string, string> = {
  eta: "delivery track",
  status: "track",
  locate: "track",
  where: "track",
  purchase: "order",
  purchases: "order",
  bill: "invoice",
  receipt: "invoice",
  reimbursement: "refund",
  reimburse: "refund",
  compensation: "refund",
  restitution: "refund",
  rebate: "refund",
  guarantee: "refund policy",
  penalty: "cancellation fee",
  penalties: "cancellation fee",
  termination: "cancellation",
  exit: "cancellation",
  hours: "contact",
  reach: "contact",
  call: "contact phone",
  parcel: "delivery",
  package: "delivery",
  shipment: "delivery",
  signup: "account create",
  sign: "account",
  login: "account password",
  log: "account",
  subscription: "newsletter",
  mailing: "newsletter",
  agent: "customer service",
  operator: "customer service",
  representative: "customer service",
  feedback: "review",
};

/** Content words of the ticket, with synonyms: the knowledge-base query. */
export function searchQuery(subject: string, body: string): string {
  const words = `${subject} ${body}`.toLowerCase().match(/[a-z][a-z']+/g) ?? [];
  const seen = new Set<string>();
  for (const word of words) {
    const w = word.replace(/'.*$/, "");
    if (w.length < 3 || STOPWORDS.has(w) || w === "ord") continue;
    seen.add(w);
    for (const synonym of SYNONYMS[w]?.split(" ") ?? []) seen.add(synonym);
  }
  return [...seen].slice(0, 20).join(" ");
}

type Call = { toolName: string; input: Record<string, unknown> };

function lastOutput<T>(exchanges: ToolExchange[], tool: string): T | undefined {
  return exchanges.filter((e) => e.toolName === tool).at(-1)?.output as T | undefined;
}

function refused(output: unknown): output is { refused: true; rule: string; reason: string } {
  return typeof output === "object" && output !== null && (output as { refused?: unknown }).refused === true;
}

const PROPOSING = new Set(["draft_reply", "escalate_to_human", "issue_refund"]);

function escalate(reason: string, team: string, urgency: "normal" | "high", ruleIds: string[]): Call {
  return { toolName: "escalate_to_human", input: { reason, team, urgency, ruleIds } };
}

/**
 * The offline agent's policy: deterministic, grounded in what the tools
 * return. Each call decides the next batch of tool calls, or ends the turn.
 */
export function decideNext(conv: Conversation): { calls: Call[]; text?: string } {
  const ticket = conv.ticket;
  if (!ticket) return { calls: [], text: "No ticket found in the prompt." };
  const all = conv.exchanges;
  const called = (tool: string) => all.some((e) => e.toolName === tool && !refused(e.output));
  const text = `${ticket.subject}\n${ticket.body}`;
  const mentioned = orderNumbersInText(text);
  // The same triage reading the run recorded: the ticket's intent decides which article answers it.
  const answer = answerability(triageOf(ticket));

  if (!all.some((e) => e.toolName === "lookup_customer")) {
    const query =
      answer.kind === "answer"
        ? answer.article.replaceAll("-", " ")
        : searchQuery(ticket.subject, ticket.body);
    const calls: Call[] = [
      { toolName: "lookup_customer", input: { email: ticket.fromEmail } },
      { toolName: "search_knowledge_base", input: { query } },
    ];
    if (mentioned.length > 0) {
      for (const number of mentioned.slice(0, 3))
        calls.push({ toolName: "lookup_orders", input: { orderNumber: number } });
    } else {
      calls.push({ toolName: "lookup_orders", input: { customerEmail: ticket.fromEmail } });
    }
    return { calls };
  }

  const orders = all
    .filter((e) => e.toolName === "lookup_orders")
    .flatMap((e) => (e.output as { orders?: RetrievedOrder[] })?.orders ?? []);
  const customer = lastOutput<{ customer?: { name: string } }>(all, "lookup_customer")?.customer;
  // Order facts only when the ticket is about one of the customer's orders (it names it).
  const order = orders.find((o) => mentioned.includes(o.number));
  const required = parseRequiredEscalations(conv.system);
  const guidance = conv.system.split(GUIDANCE_HEADER)[1]?.trim() ?? "";
  // Only the article for the ticket's intent answers it; staff procedures are never quoted to customers.
  const found = lastOutput<{ articles?: ArticleFact[] }>(all, "search_knowledge_base")?.articles ?? [];
  const hits = found.filter(
    (a) => answer.kind === "answer" && a.slug === answer.article && !a.tags?.includes("procedure"),
  );
  const reply = (safe: boolean): Call => ({
    toolName: "draft_reply",
    input: composeReply({ customerName: customer?.name, articles: hits, order: safe ? undefined : order }),
  });

  // Repair: verification failed; make one new proposal that addresses it, then stop.
  if (conv.feedback !== null) {
    if (conv.exchanges.slice(conv.feedbackAt).some((e) => PROPOSING.has(e.toolName))) {
      return { calls: [], text: "Revised proposal ready for review." };
    }
    if (/required_escalations|no_blocked_topic/.test(conv.feedback) || hits.length === 0) {
      return {
        calls: [
          escalate(
            `Verification asked for a person: ${conv.feedback.replace(VERIFICATION_FAILED, "").trim()}`,
            required[0]?.team ?? "support",
            "normal",
            required.map((r) => r.ruleId),
          ),
        ],
      };
    }
    return { calls: [reply(true)] };
  }

  const wantsRefund = WANTS_REFUND.test(text) && !ASKS_ABOUT_REFUND.test(text);
  const target = order ?? orders[0];
  if (wantsRefund && target && !all.some((e) => e.toolName === "issue_refund")) {
    const asked = amountsInText(text).find((c) => c > 0);
    return {
      calls: [
        {
          toolName: "issue_refund",
          input: {
            orderNumber: target.number,
            amountCents: asked ?? target.totalCents,
            reason: "The customer asks for their money back.",
          },
        },
      ],
    };
  }

  if (called("escalate_to_human")) return { calls: [], text: "Escalated to a person for review." };
  if (called("draft_reply")) return { calls: [], text: "Reply drafted for review." };

  const refundRefusal = all.find((e) => e.toolName === "issue_refund" && refused(e.output))?.output as
    | { rule: string }
    | undefined;
  if (required.length > 0 || refundRefusal || /\bescalat/i.test(guidance)) {
    const reasons = [
      ...required.map((r) => r.text),
      ...(refundRefusal
        ? [`The customer asks for a refund, which the agent may not make (${refundRefusal.rule}).`]
        : []),
      ...(guidance ? [`Reviewer guidance: ${guidance}`] : []),
    ];
    return {
      calls: [
        escalate(
          reasons.join(" "),
          required[0]?.team ?? (refundRefusal ? "billing" : "support"),
          required.some((r) => r.team === "legal") ? "high" : "normal",
          required.map((r) => r.ruleId),
        ),
      ],
    };
  }
  if (answer.kind !== "answer") return { calls: [escalate(answer.reason, "support", "normal", [])] };
  if (hits.length === 0) {
    return {
      calls: [
        escalate(
          `No article answers ${answer.intent}: the knowledge base has no article “${answer.article}” to cite, so a person should write the reply.`,
          "support",
          "normal",
          [],
        ),
      ],
    };
  }
  return { calls: [reply(false)] };
}

function reflect(prompt: LanguageModelV4Prompt): string {
  const text = prompt
    .filter((m) => m.role === "user")
    .flatMap((m) => m.content)
    .map((p) => (p.type === "text" ? p.text : ""))
    .join("\n");
  const draft = /<draft>\n([\s\S]*?)\n<\/draft>/.exec(text)?.[1] ?? "";
  const notes: string[] = [];
  const words = draft.split(/\s+/).filter(Boolean).length;
  notes.push(`${words} words.`);
  if (/^Hi [^,]+,/.test(draft)) notes.push("Greets the customer by name.");
  const cited = (draft.match(/\(See “/g) ?? []).length;
  notes.push(cited > 0 ? `Points the customer to ${cited} article(s).` : "Cites no article.");
  const orders = orderNumbersInText(draft);
  if (orders.length)
    notes.push(`States facts about ${orders.join(", ")}; verification checks them against the lookups.`);
  const verdict = cited > 0 && words <= 300 ? "ok" : "revise";
  return JSON.stringify({ verdict, notes });
}

/** Each text of the prompt, in order (the model counts their tokens). */
function promptParts(prompt: LanguageModelV4Prompt): string[] {
  return prompt.flatMap((m) =>
    typeof m.content === "string"
      ? [m.content]
      : m.content.map((p) =>
          "text" in p
            ? p.text
            : "input" in p
              ? JSON.stringify(p.input)
              : "output" in p
                ? JSON.stringify(p.output)
                : "",
        ),
  );
}

let callCounter = 0;

function generate(options: LanguageModelV4CallOptions): LanguageModelV4GenerateResult {
  const system = options.prompt
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n");
  const content: LanguageModelV4Content[] = [];
  let finish: "stop" | "tool-calls" = "stop";
  const role = roleOf(system);
  if (system.includes(REFLECTION_MARKER) || role === "verify_output" || role === "reviewer") {
    content.push({ type: "text", text: reflect(options.prompt) });
  } else {
    const conv = readConversation(options.prompt);
    const next =
      role === "validate_input"
        ? validateInput(conv)
        : role === "manager"
          ? managerNext(conv)
          : decideNext(conv);
    const offered = new Set((options.tools ?? []).map((t) => t.name));
    for (const call of next.calls) {
      if (!offered.has(call.toolName)) continue;
      content.push({
        type: "tool-call",
        toolCallId: `offline-${++callCounter}`,
        toolName: call.toolName,
        input: JSON.stringify(call.input),
      });
    }
    if (content.length > 0) finish = "tool-calls";
    else
      content.push({ type: "text", text: role === "analyst" ? analystBrief(conv) : (next.text ?? "Done.") });
  }
  const inputTokens = countTokensOfParts(promptParts(options.prompt));
  const outputTokens = countTokens(
    content.map((c) => ("text" in c ? c.text : "input" in c ? String(c.input) : "")).join("\n"),
  );
  return {
    content,
    finishReason: { unified: finish, raw: finish },
    usage: {
      inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
    },
    warnings: [],
  };
}

/**
 * The built-in model: deterministic, no network, no key. It implements the AI
 * SDK language-model interface, so the real loop (tools, gate, verification)
 * runs on it. Its drafts are labelled offline in the UI.
 */
export function createOfflineModel(): LanguageModelV4 {
  return {
    specificationVersion: "v4",
    provider: "countersign",
    modelId: OFFLINE_MODEL_ID,
    supportedUrls: {},
    async doGenerate(options) {
      return generate(options);
    },
    async doStream(options) {
      const result = generate(options);
      const parts: LanguageModelV4StreamPart[] = [{ type: "stream-start", warnings: [] }];
      for (const c of result.content) {
        if (c.type === "text") {
          parts.push(
            { type: "text-start", id: "t" },
            { type: "text-delta", id: "t", delta: c.text },
            { type: "text-end", id: "t" },
          );
        } else parts.push(c as LanguageModelV4StreamPart);
      }
      parts.push({ type: "finish", finishReason: result.finishReason, usage: result.usage });
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const p of parts) controller.enqueue(p);
            controller.close();
          },
        }),
      };
    },
  };
}
