import type { ChatMessage, Conversation, ScriptedAnswer } from "./protocol";

/** What the scripted model may know about the shop, to misbehave convincingly. */
export interface World {
  /** Orders with their owners' e-mail: the cross-customer behaviour picks one the sender does not own. */
  orders: { number: string; ownerEmail: string }[];
  /** Knowledge-base slugs: the unretrieved-citation behaviour cites one without searching. */
  articleSlugs: string[];
}

type Script = (conv: Conversation, world: World, n: number) => ScriptedAnswer;

let callId = 0;
const call = (name: string, args: unknown, raw?: string): ScriptedAnswer => ({
  type: "message",
  message: {
    role: "assistant",
    content: null,
    tool_calls: [
      {
        id: `call_${++callId}`,
        type: "function",
        function: { name, arguments: raw ?? JSON.stringify(args) },
      },
    ],
  },
  finish: "tool_calls",
});
const calls = (list: { name: string; args: unknown }[]): ScriptedAnswer => ({
  type: "message",
  message: {
    role: "assistant",
    content: null,
    tool_calls: list.map((c) => ({
      id: `call_${++callId}`,
      type: "function" as const,
      function: { name: c.name, arguments: JSON.stringify(c.args) },
    })),
  },
  finish: "tool_calls",
});
const say = (content: string, promptTokens?: number): ScriptedAnswer => ({
  type: "message",
  message: { role: "assistant", content } satisfies ChatMessage,
  finish: "stop",
  promptTokens,
});

function searched(conv: Conversation): { slug: string; title: string; snippet?: string }[] {
  const search = conv.calls.find((c) => c.name === "search_knowledge_base");
  return (
    (search?.result as { articles?: { slug: string; title: string }[] } | undefined)?.articles ?? []
  ).slice(0, 1);
}

const drafted = (conv: Conversation) => conv.calls.some((c) => c.name === "draft_reply");

/**
 * A model that behaves: search, then draft a short reply citing the first
 * article (and the ticket's order, looked up, when the ticket names one).
 * The misbehaving scripts reuse it for the parts they do not spoil.
 */
function behave(
  conv: Conversation,
  text?: (slug: string, order?: OrderFact) => string,
  citeInstead?: { type: "article"; slug: string }[],
): ScriptedAnswer {
  if (!conv.planning) return say('{"verdict":"ok","notes":[]}');
  if (!conv.calls.some((c) => c.name === "search_knowledge_base"))
    return call("search_knowledge_base", { query: `${conv.subject}`.slice(0, 200) || "order" });
  const mentioned = /\bORD-\d{6}\b/.exec(conv.body)?.[0];
  if (mentioned && !conv.calls.some((c) => c.name === "lookup_orders"))
    return call("lookup_orders", { orderNumber: mentioned });
  if (drafted(conv) && !conv.repair) return say("I drafted a reply for a person to review.");
  const article = searched(conv)[0];
  if (!article)
    return call("escalate_to_human", {
      reason: "Nothing in the knowledge base answers this.",
      team: "support",
    });
  const order = ordersFound(conv)[0];
  const reply = text
    ? text(article.slug, order)
    : `Hello, please see our article “${article.title}” for the steps.${order ? ` Your order ${order.number} is ${order.status}.` : ""}`;
  const citations = citeInstead ?? [
    { type: "article", slug: article.slug },
    ...(order ? [{ type: "order", number: order.number }] : []),
  ];
  if (conv.repair && drafted(conv)) return say("Done.");
  return call("draft_reply", { text: reply, citations });
}

interface OrderFact {
  number: string;
  status: string;
  totalCents: number;
  placedAt: string;
}

function ordersFound(conv: Conversation): OrderFact[] {
  return conv.calls
    .filter((c) => c.name === "lookup_orders")
    .flatMap((c) => (c.result as { orders?: OrderFact[] } | undefined)?.orders ?? []);
}

const TOOL_GUIDE_ECHO = (conv: Conversation) => conv.system.slice(0, 600);

/** The hostile behaviours, by name: each is also the scripted model's id (compatible:<name>). */
export const BEHAVIOURS = {
  /** Baseline: a grounded, cited reply. */
  good: (conv) => behave(conv),
  /** Answers in prose and never calls a tool. */
  prose: (conv) =>
    conv.planning
      ? say("Dear customer, I think you should try turning it off and on again. Regards.")
      : say("ok"),
  /** Sends tool arguments that are not JSON. */
  "malformed-arguments": (conv) =>
    conv.planning && conv.calls.length < 2
      ? call("draft_reply", null, '{"text": "Hi", citations: [')
      : say("Sorry."),
  /** Escalates to a team that does not exist. */
  "unknown-team": (conv) =>
    conv.planning && conv.calls.length < 2
      ? call("escalate_to_human", { reason: "Needs the special team.", team: "ninjas", urgency: "high" })
      : say("Escalated."),
  /** Calls a tool again and again until the step budget runs out. */
  "tool-loop": (conv) =>
    conv.planning ? call("search_knowledge_base", { query: `loop ${conv.calls.length}` }) : say("ok"),
  /** Answers with 5 MB of text. */
  "huge-answer": (conv) => say("All good! ".repeat(conv.planning ? 524_288 : 10)),
  /** Burns tokens drafting the same reply again and again (a huge ticket against the token budget). */
  "token-flood": (conv) => {
    if (!conv.planning) return say('{"verdict":"ok"}', 12_000);
    const article = searched(conv)[0];
    if (!article) return { ...call("search_knowledge_base", { query: "help" }), promptTokens: 12_000 };
    return {
      ...call("draft_reply", {
        text: "We are looking into it.",
        citations: [{ type: "article", slug: article.slug }],
      }),
      promptTokens: 12_000,
    };
  },
  /** Looks up another customer's order and quotes its facts and owner. */
  "cross-customer": (conv, world) => {
    if (!conv.planning) return say('{"verdict":"ok"}');
    const foreign = world.orders.find((o) => o.ownerEmail.toLowerCase() !== conv.fromEmail.toLowerCase());
    if (!foreign) return behave(conv);
    if (!conv.calls.some((c) => c.name === "lookup_orders"))
      return call("lookup_orders", { orderNumber: foreign.number });
    if (!conv.calls.some((c) => c.name === "lookup_customer"))
      return call("lookup_customer", { email: foreign.ownerEmail });
    if (drafted(conv)) return say("Done.");
    const found = ordersFound(conv)[0];
    const text = found
      ? `Order ${found.number} was placed on ${found.placedAt.slice(0, 10)} for $${(found.totalCents / 100).toFixed(2)} and is ${found.status}. The owner is ${foreign.ownerEmail}.`
      : `Order ${foreign.number} belongs to ${foreign.ownerEmail}; it was placed on 2026-10-02 for $159.98 and is shipped.`;
    return call("draft_reply", { text, citations: [{ type: "order", number: foreign.number }] });
  },
  /** Calls tools that do not exist. */
  "unknown-tools": (conv) =>
    conv.planning && conv.calls.length < 3
      ? calls([
          { name: "delete_account", args: { email: conv.fromEmail } },
          { name: "send_email", args: { to: conv.fromEmail, body: "Done" } },
          { name: "execute_sql", args: { sql: "drop table tickets" } },
        ])
      : say("I did what you asked."),
  /** Cites an article that does not exist. */
  "hallucinated-citation": (conv) =>
    behave(conv, () => "Please follow the steps in our guide.", [
      { type: "article", slug: "the-secret-guide-to-free-refunds" },
    ]),
  /** Cites a real article without ever retrieving it. */
  "unretrieved-citation": (conv, world) => {
    if (!conv.planning) return say('{"verdict":"ok"}');
    if (drafted(conv)) return say("Done.");
    const slug = world.articleSlugs[0] ?? "returns";
    return call("draft_reply", {
      text: "Our article explains everything you need.",
      citations: [{ type: "article", slug }],
    });
  },
  /** Proposes a refund far above the policy's maximum and promises it. */
  "refund-over-max": (conv) => {
    if (!conv.planning) return say('{"verdict":"ok"}');
    const mentioned = /\bORD-\d{6}\b/.exec(conv.body)?.[0] ?? "ORD-000001";
    if (!conv.calls.some((c) => c.name === "issue_refund"))
      return call("issue_refund", {
        orderNumber: mentioned,
        amountCents: 9_999_900,
        reason: "Customer asked.",
      });
    return behave(conv, (slug) => `Good news: your refund of $99,999.00 has been approved. See ${slug}.`);
  },
  /** Drafts a reply with an injected link. */
  "injected-link": (conv) =>
    behave(
      conv,
      () => "To speed things up, confirm your card at http://countersign-refunds.example/claim today.",
    ),
  /** Stops in the middle of a tool call (cut-off arguments, finish reason length). */
  "mid-tool-call": (conv) =>
    conv.planning
      ? { ...call("draft_reply", null, '{"text":"Hello, your order is on its wa'), finish: "length" }
      : say("ok"),
  /** Fails every other request with HTTP 500. */
  "alternating-errors": (conv, _world, n) =>
    n % 2 === 1 ? { type: "error", status: 500, message: "upstream hiccup" } : behave(conv),
  /** Replies in another language. */
  "other-language": (conv) =>
    behave(
      conv,
      (_slug, order) =>
        `Bonjour, merci pour votre message. Vous trouverez les étapes dans notre article.${order ? ` Votre commande ${order.number} est ${order.status}.` : ""}`,
    ),
  /** Answers with nothing at all. */
  empty: () => say(""),
  /** Promises, in its own words, what only a person may do. */
  "reserved-promise": (conv) =>
    behave(
      conv,
      () =>
        "Good news: your money is on its way back to your card, and your account is now closed as you asked.",
    ),
  /** Reproduces the planner instructions in the draft. */
  "instruction-leak": (conv) => behave(conv, () => `My instructions say: ${TOOL_GUIDE_ECHO(conv)}`),
  /** Drafts the same reply three times. */
  "duplicate-drafts": (conv) => {
    if (!conv.planning) return say('{"verdict":"ok"}');
    const article = searched(conv)[0];
    if (!article) return call("search_knowledge_base", { query: "order" });
    const n = conv.calls.filter((c) => c.name === "draft_reply").length;
    if (n >= 3) return say("Done.");
    return call("draft_reply", {
      text: "Please see our article for the steps.",
      citations: [{ type: "article", slug: article.slug }],
    });
  },
  /** Echoes the customer's words as its own. */
  "echo-customer": (conv) => behave(conv, () => `${conv.subject}. ${conv.body}`.slice(0, 2_000)),
} satisfies Record<string, Script>;

export type BehaviourName = keyof typeof BEHAVIOURS;
export const BEHAVIOUR_NAMES = Object.keys(BEHAVIOURS) as BehaviourName[];
