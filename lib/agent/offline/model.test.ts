import type {
  LanguageModelV4Content,
  LanguageModelV4FunctionTool,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
} from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { type ArticleFact, articleGist, composeReply } from "@/lib/agent/offline/compose";
import {
  createOfflineModel,
  MIN_ARTICLE_RANK,
  OFFLINE_MODEL_ID,
  searchQuery,
} from "@/lib/agent/offline/model";
import {
  plannerInstructions,
  REFLECTION_MARKER,
  reflectionPrompt,
  ticketMessage,
  VERIFICATION_FAILED,
} from "@/lib/agent/prompt";
import { emptyRetrieved, type Proposal, type RetrievedOrder } from "@/lib/agent/types";
import { verify } from "@/lib/agent/verify";
import { DEFAULT_INSTRUCTIONS } from "@/lib/guardrails/default-policy";
import type { FiredRule } from "@/lib/guardrails/evaluate";
import { TOOL_NAMES } from "@/lib/guardrails/rules";

const ALL_TOOLS: LanguageModelV4FunctionTool[] = TOOL_NAMES.map((name) => ({
  type: "function",
  name,
  description: name,
  inputSchema: {},
}));

const EMAIL = "ada@example.com";

const ORDER: RetrievedOrder = {
  number: "ORD-123456",
  status: "shipped",
  totalCents: 123_456,
  currency: "USD",
  placedAt: "2026-11-03T14:30:00.000Z",
  itemPricesCents: [123_456],
};

const PROCEDURE: ArticleFact = {
  slug: "staff-late-delivery",
  title: "Staff procedure: late deliveries",
  body: "Internal: check the carrier portal before answering.",
  rank: 0.9,
  tags: ["procedure"],
};
/** The article for the intent triage reads in LATE (track_order). */
const DELIVERY: ArticleFact = {
  slug: "tracking-your-order",
  title: "Delivery times",
  body: "## Delivery times\n\nStandard delivery takes **3-5 working days**. Express delivery arrives the next working day.",
  rank: 0.5,
  tags: ["delivery"],
};
/** The article for check_refund_policy. */
const RETURNS: ArticleFact = {
  slug: "refund-policy",
  title: "Returns",
  body: "Returns are free within 30 days.",
  rank: 0.2,
  tags: ["returns"],
};
const WEAK: ArticleFact = {
  slug: "gift-cards",
  title: "Gift cards",
  body: "Gift cards never expire.",
  rank: MIN_ARTICLE_RANK - 0.01,
};

const LEGAL: FiredRule = {
  ruleId: "legal-escalate",
  ruleName: "Always escalate legal issues",
  explanation: "Any mention of legal action goes to the legal team before anyone replies.",
  team: "legal",
  matched: "lawyer",
};

interface Ticket {
  subject: string;
  body: string;
  fromEmail?: string;
}

interface Call {
  toolCallId: string;
  toolName: string;
  input: Record<string, unknown>;
}

function startPrompt(ticket: Ticket, options: { required?: FiredRule[]; guidance?: string } = {}) {
  const prompt: LanguageModelV4Prompt = [
    {
      role: "system",
      content: plannerInstructions({
        policyInstructions: DEFAULT_INSTRUCTIONS,
        requiredEscalations: options.required ?? [],
        guidance: options.guidance,
      }),
    },
    {
      role: "user",
      content: [{ type: "text", text: ticketMessage({ fromEmail: EMAIL, channel: "email", ...ticket }) }],
    },
  ];
  return prompt;
}

function toolCalls(result: LanguageModelV4GenerateResult): Call[] {
  return result.content.flatMap((c) =>
    c.type === "tool-call"
      ? [{ toolCallId: c.toolCallId, toolName: c.toolName, input: JSON.parse(c.input as string) }]
      : [],
  );
}

function textOf(result: LanguageModelV4GenerateResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
}

/** The prompt after the model's calls ran and returned these outputs. */
function answer(
  prompt: LanguageModelV4Prompt,
  calls: Call[],
  output: (call: Call) => unknown,
): LanguageModelV4Prompt {
  return [
    ...prompt,
    {
      role: "assistant",
      content: calls.map((c) => ({
        type: "tool-call",
        toolCallId: c.toolCallId,
        toolName: c.toolName,
        input: c.input,
      })),
    },
    {
      role: "tool",
      content: calls.map((c) => ({
        type: "tool-result",
        toolCallId: c.toolCallId,
        toolName: c.toolName,
        output: { type: "json", value: output(c) as never },
      })),
    },
  ];
}

const model = createOfflineModel();
const generate = (prompt: LanguageModelV4Prompt, tools = ALL_TOOLS) => model.doGenerate({ prompt, tools });

/** Tool outputs like the real tools return: a customer, the given articles and orders. */
function lookups(articles: ArticleFact[], orders: RetrievedOrder[] = [ORDER]) {
  return (call: Call): unknown => {
    switch (call.toolName) {
      case "lookup_customer":
        return { found: true, customer: { id: "c1", email: EMAIL, name: "Ada Lovelace", tier: "standard" } };
      case "search_knowledge_base":
        return { articles };
      case "lookup_orders":
        return { orders };
      default:
        return { ok: true };
    }
  };
}

/** Runs the first step (look-ups) and returns the prompt for the second step. */
async function afterLookups(
  ticket: Ticket,
  articles: ArticleFact[],
  options: { required?: FiredRule[]; guidance?: string; orders?: RetrievedOrder[] } = {},
) {
  const prompt = startPrompt(ticket, options);
  const calls = toolCalls(await generate(prompt));
  return answer(prompt, calls, lookups(articles, options.orders));
}

const LATE = { subject: "Late delivery", body: "Where is my order ORD-123456? It has not arrived yet." };

describe("offline model: first step", () => {
  it("identifies itself as the offline model", () => {
    expect(model.modelId).toBe(OFFLINE_MODEL_ID);
    expect(model.specificationVersion).toBe("v4");
  });

  it("looks up the customer, searches the knowledge base and looks up the named order", async () => {
    const result = await generate(startPrompt(LATE));
    expect(result.finishReason.unified).toBe("tool-calls");
    const calls = toolCalls(result);
    expect(calls.map((c) => c.toolName)).toEqual([
      "lookup_customer",
      "search_knowledge_base",
      "lookup_orders",
    ]);
    expect(calls[0]?.input).toEqual({ email: EMAIL });
    expect(calls[2]?.input).toEqual({ orderNumber: "ORD-123456" });
    // triage reads the intent (track_order): the search asks for the article that answers it
    expect(calls[1]?.input.query).toBe("tracking your order");
  });

  it("looks up orders by e-mail when the ticket names no order", async () => {
    const calls = toolCalls(
      await generate(startPrompt({ subject: "Delivery", body: "When will my lamp arrive?" })),
    );
    expect(calls.map((c) => c.toolName)).toEqual([
      "lookup_customer",
      "search_knowledge_base",
      "lookup_orders",
    ]);
    expect(calls[2]?.input).toEqual({ customerEmail: EMAIL });
  });

  it("looks up each named order, up to three", async () => {
    const body = "About ORD-000001, ord-000002, ORD-000003 and ORD-000004.";
    const calls = toolCalls(await generate(startPrompt({ subject: "Orders", body })));
    expect(calls.filter((c) => c.toolName === "lookup_orders").map((c) => c.input.orderNumber)).toEqual([
      "ORD-000001",
      "ORD-000002",
      "ORD-000003",
    ]);
  });

  it("only calls tools it was offered", async () => {
    const tools = ALL_TOOLS.filter((t) => t.name !== "lookup_orders");
    const calls = toolCalls(await generate(startPrompt(LATE), tools));
    expect(calls.map((c) => c.toolName)).toEqual(["lookup_customer", "search_knowledge_base"]);
  });

  it("gives each tool call its own id", async () => {
    const ids = toolCalls(await generate(startPrompt(LATE))).map((c) => c.toolCallId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("says so when the prompt holds no ticket", async () => {
    const result = await generate([{ role: "user", content: [{ type: "text", text: "hello" }] }]);
    expect(result.finishReason.unified).toBe("stop");
    expect(textOf(result)).toBe("No ticket found in the prompt.");
  });

  it("translates customers' words into knowledge-base terms", () => {
    expect(searchQuery("Parcel", "I want compensation").split(" ")).toEqual(
      expect.arrayContaining(["parcel", "delivery", "compensation", "refund"]),
    );
  });
});

describe("offline model: drafting a reply", () => {
  it("cites the article for the ticket's intent and the order it names, with facts from the order", async () => {
    const prompt = await afterLookups(LATE, [PROCEDURE, DELIVERY, RETURNS, WEAK]);
    const result = await generate(prompt);
    const [call, ...rest] = toolCalls(result);
    expect(rest).toEqual([]);
    expect(call?.toolName).toBe("draft_reply");
    const draft = call!.input as { text: string; citations: unknown[] };
    expect(draft.citations).toEqual([
      { type: "article", slug: "tracking-your-order" },
      { type: "order", number: "ORD-123456" },
    ]);
    expect(draft.text).toMatch(/^Hi Ada,/);
    // the subject is not echoed back
    expect(draft.text).not.toContain("Late delivery");
    expect(draft.text).toContain("Standard delivery takes 3-5 working days.");
    expect(draft.text).toContain("(See “Delivery times”.)");
    expect(draft.text).toContain(
      "About your order ORD-123456: it was placed on 3 November 2026 for $1,234.56",
    );
    expect(draft.text).toContain("“shipped”");
    // staff procedures and weak matches are never quoted to the customer
    expect(draft.text).not.toContain("Internal");
    expect(draft.text).not.toContain("Returns are free");
    expect(draft.text).not.toContain("Gift cards");
    expect(draft.text).not.toMatch(/\*\*|##/);
  });

  it("drafts a reply that passes verification against what it looked up", async () => {
    const prompt = await afterLookups(LATE, [PROCEDURE, DELIVERY, RETURNS]);
    const draft = toolCalls(await generate(prompt))[0]!.input as Proposal["payload"];
    const retrieved = emptyRetrieved();
    for (const a of [PROCEDURE, DELIVERY, RETURNS]) retrieved.articles.set(a.slug, a);
    retrieved.orders.set(ORDER.number, ORDER);
    const results = verify({
      proposals: [{ kind: "reply", payload: { ...(draft as object), model: "offline" } } as Proposal],
      blocked: [],
      retrieved,
      requiredEscalations: [],
      citationsRequired: true,
    });
    expect(results.filter((r) => !r.passed)).toEqual([]);
  });

  it("cites only the article for the ticket's intent, even when another ranks higher", async () => {
    const higher = { ...RETURNS, rank: 0.95 };
    const draft = toolCalls(await generate(await afterLookups(LATE, [higher, DELIVERY])))[0]!.input as {
      text: string;
      citations: unknown[];
    };
    expect(draft.citations).not.toContainEqual({ type: "article", slug: "refund-policy" });
    expect(draft.text).not.toContain("Returns are free");
  });

  it("states no order facts when the named order was not found", async () => {
    const prompt = await afterLookups(LATE, [DELIVERY], { orders: [] });
    const draft = toolCalls(await generate(prompt))[0]!.input as { text: string; citations: unknown[] };
    expect(draft.citations).toEqual([{ type: "article", slug: "tracking-your-order" }]);
    expect(draft.text).not.toContain("ORD-123456");
  });

  it("states no order facts when the ticket is not about one of the customer's orders", async () => {
    const ticket = { subject: "Tracking", body: "I want to track my order" };
    const draft = toolCalls(await generate(await afterLookups(ticket, [DELIVERY])))[0]!.input as {
      text: string;
      citations: unknown[];
    };
    expect(draft.citations).toEqual([{ type: "article", slug: "tracking-your-order" }]);
    expect(draft.text).not.toContain("ORD-123456");
  });

  it("greets a customer it could not find generically", async () => {
    const prompt = startPrompt(LATE);
    const calls = toolCalls(await generate(prompt));
    const next = answer(prompt, calls, (c) =>
      c.toolName === "lookup_customer" ? { found: false } : lookups([DELIVERY])(c),
    );
    const draft = toolCalls(await generate(next))[0]!.input as { text: string };
    expect(draft.text).toMatch(/^Hi there,/);
  });

  it("ends its turn once the reply is drafted", async () => {
    const prompt = await afterLookups(LATE, [DELIVERY]);
    const calls = toolCalls(await generate(prompt));
    const result = await generate(answer(prompt, calls, () => ({ proposed: true })));
    expect(toolCalls(result)).toEqual([]);
    expect(result.finishReason.unified).toBe("stop");
    expect(textOf(result)).toBe("Reply drafted for review.");
  });
});

describe("offline model: escalating", () => {
  const escalation = async (prompt: LanguageModelV4Prompt) => {
    const calls = toolCalls(await generate(prompt));
    expect(calls.map((c) => c.toolName)).toEqual(["escalate_to_human"]);
    return calls[0]!.input as { reason: string; team: string; urgency: string; ruleIds: string[] };
  };

  it("escalates to support saying no article answers the intent when the search misses its article", async () => {
    const input = await escalation(await afterLookups(LATE, [PROCEDURE, WEAK]));
    expect(input).toEqual({
      reason:
        "No article answers track_order: the knowledge base has no article “tracking-your-order” to cite, so a person should write the reply.",
      team: "support",
      urgency: "normal",
      ruleIds: [],
    });
  });

  it("escalates when the search found nothing at all", async () => {
    expect((await escalation(await afterLookups(LATE, []))).team).toBe("support");
  });

  it("escalates to the team of a required escalation, with its rule ids, instead of replying", async () => {
    const ticket = { subject: "Broken", body: "My lawyer will be in touch about ORD-123456." };
    const input = await escalation(await afterLookups(ticket, [DELIVERY], { required: [LEGAL] }));
    expect(input.team).toBe("legal");
    expect(input.urgency).toBe("high");
    expect(input.ruleIds).toEqual(["legal-escalate"]);
    expect(input.reason).toContain("Always escalate legal issues");
  });

  it("lists every required rule and uses the first rule's team", async () => {
    const privacy: FiredRule = {
      ...LEGAL,
      ruleId: "no-data-deletion",
      ruleName: "No data deletion",
      team: "privacy",
    };
    const input = await escalation(await afterLookups(LATE, [DELIVERY], { required: [privacy, LEGAL] }));
    expect(input).toMatchObject({
      team: "privacy",
      urgency: "high",
      ruleIds: ["no-data-deletion", "legal-escalate"],
    });
  });

  it("escalates when reviewer guidance asks for it, quoting the guidance", async () => {
    const input = await escalation(
      await afterLookups(LATE, [DELIVERY], { guidance: "Please escalate this one." }),
    );
    expect(input.team).toBe("support");
    expect(input.reason).toContain("Reviewer guidance: Please escalate this one.");
  });

  it("ends its turn once the escalation is proposed", async () => {
    const prompt = await afterLookups(LATE, [], {});
    const calls = toolCalls(await generate(prompt));
    const result = await generate(answer(prompt, calls, () => ({ proposed: true })));
    expect(toolCalls(result)).toEqual([]);
    expect(textOf(result)).toBe("Escalated to a person for review.");
  });
});

describe("offline model: refund requests", () => {
  const REFUND = {
    subject: "Broken lamp",
    body: "The lamp in ORD-123456 arrived broken. I want a refund of $25.50.",
  };

  it("proposes a refund of the amount the customer asks for", async () => {
    const calls = toolCalls(await generate(await afterLookups(REFUND, [RETURNS])));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      toolName: "issue_refund",
      input: { orderNumber: "ORD-123456", amountCents: 2_550 },
    });
  });

  it("proposes refunding the order total when the customer names no amount", async () => {
    const ticket = { subject: "Refund", body: "Please refund my order ORD-123456, it never came." };
    const calls = toolCalls(await generate(await afterLookups(ticket, [RETURNS])));
    expect(calls[0]).toMatchObject({
      toolName: "issue_refund",
      input: { orderNumber: "ORD-123456", amountCents: ORDER.totalCents },
    });
  });

  it("escalates to billing after the gate refuses the refund", async () => {
    const prompt = await afterLookups(REFUND, [RETURNS]);
    const calls = toolCalls(await generate(prompt));
    const refusal = {
      refused: true,
      rule: "Do not handle payments",
      reason: "The tool issue_refund is blocked.",
      instruction: "Policy does not allow this.",
    };
    const next = toolCalls(await generate(answer(prompt, calls, () => refusal)));
    expect(next.map((c) => c.toolName)).toEqual(["escalate_to_human"]);
    expect(next[0]?.input).toMatchObject({ team: "billing", urgency: "normal", ruleIds: [] });
    expect(String(next[0]?.input.reason)).toContain("(Do not handle payments)");
  });

  it("answers questions about refunds instead of proposing one", async () => {
    const ticket = {
      subject: "Refunds",
      body: "What is your refund policy? I may want a refund for ORD-123456.",
    };
    const calls = toolCalls(await generate(await afterLookups(ticket, [RETURNS])));
    expect(calls.map((c) => c.toolName)).toEqual(["draft_reply"]);
  });
});

describe("offline model: repair after failed verification", () => {
  async function repair(feedback: string, articles: ArticleFact[]) {
    const prompt = await afterLookups(LATE, articles);
    const calls = toolCalls(await generate(prompt));
    const withFeedback: LanguageModelV4Prompt = [
      ...answer(prompt, calls, () => ({ proposed: true })),
      { role: "user", content: [{ type: "text", text: `${VERIFICATION_FAILED} ${feedback}` }] },
    ];
    return { withFeedback, calls: toolCalls(await generate(withFeedback)) };
  }

  it("escalates when verification asks for a person", async () => {
    const { calls } = await repair("required_escalations: none was proposed.", [DELIVERY]);
    expect(calls.map((c) => c.toolName)).toEqual(["escalate_to_human"]);
    expect(String(calls[0]?.input.reason)).toContain("Verification asked for a person");
  });

  it("redrafts a safe reply, citing only the top article, when a fact was ungrounded", async () => {
    const { withFeedback, calls } = await repair("facts_grounded: amount $9.99.", [
      DELIVERY,
      { ...RETURNS, rank: 0.45 },
    ]);
    expect(calls.map((c) => c.toolName)).toEqual(["draft_reply"]);
    expect(calls[0]?.input.citations).toEqual([{ type: "article", slug: "tracking-your-order" }]);
    expect(String(calls[0]?.input.text)).not.toContain("ORD-123456");
    // one new proposal, then it stops
    const done = await generate(answer(withFeedback, calls, () => ({ proposed: true })));
    expect(textOf(done)).toBe("Revised proposal ready for review.");
  });
});

describe("offline model: reflection", () => {
  const reflect = async (draft: string) => {
    const result = await generate([
      { role: "system", content: REFLECTION_MARKER },
      { role: "user", content: [{ type: "text", text: reflectionPrompt(draft, "- order ORD-123456") }] },
    ]);
    expect(result.finishReason.unified).toBe("stop");
    return JSON.parse(textOf(result)) as { verdict: string; notes: string[] };
  };

  it("approves a short draft that greets the customer and cites an article", async () => {
    const review = await reflect(
      "Hi Ada,\n\nStandard delivery takes 3-5 days. (See “Delivery times”.)\n\nORD-123456",
    );
    expect(review.verdict).toBe("ok");
    expect(review.notes).toEqual(
      expect.arrayContaining([
        "Greets the customer by name.",
        "Points the customer to 1 article(s).",
        expect.stringContaining("ORD-123456"),
      ]),
    );
  });

  it("asks for a revision when the draft cites no article", async () => {
    const review = await reflect("Hello, your parcel is on its way.");
    expect(review.verdict).toBe("revise");
    expect(review.notes).toContain("Cites no article.");
  });

  it("asks for a revision when the draft is too long", async () => {
    const review = await reflect(`Hi Ada, ${"word ".repeat(300)}(See “Delivery times”.)`);
    expect(review.verdict).toBe("revise");
  });

  it("never calls tools while reflecting", async () => {
    const result = await generate([
      { role: "system", content: REFLECTION_MARKER },
      { role: "user", content: [{ type: "text", text: reflectionPrompt("Hi.", "") }] },
    ]);
    expect(result.content.every((c) => c.type === "text")).toBe(true);
  });
});

describe("offline model: determinism and usage", () => {
  const withoutIds = (content: LanguageModelV4Content[]) =>
    content.map((c) => (c.type === "tool-call" ? { ...c, toolCallId: "" } : c));

  it("answers the same prompt the same way", async () => {
    for (const prompt of [startPrompt(LATE), await afterLookups(LATE, [PROCEDURE, DELIVERY, RETURNS])]) {
      const first = await generate(prompt);
      const second = await generate(prompt);
      expect(withoutIds(second.content)).toEqual(withoutIds(first.content));
      expect(second.usage).toEqual(first.usage);
    }
  });

  it("reports positive whole token counts", async () => {
    for (const prompt of [startPrompt(LATE), await afterLookups(LATE, [DELIVERY])]) {
      const { usage } = await generate(prompt);
      for (const n of [usage.inputTokens.total, usage.outputTokens.total]) {
        expect(Number.isInteger(n)).toBe(true);
        expect(n).toBeGreaterThan(0);
      }
    }
  });

  it("counts more input tokens as the conversation grows", async () => {
    const short = await generate(startPrompt(LATE));
    const long = await generate(await afterLookups(LATE, [PROCEDURE, DELIVERY, RETURNS]));
    expect(long.usage.inputTokens.total!).toBeGreaterThan(short.usage.inputTokens.total!);
  });
});

describe("articleGist", () => {
  it("keeps $9.99, shop.example.com and e.g. whole", () => {
    const body = "Express costs $9.99 (e.g. for shoes). See shop.example.com for more. Next sentence.";
    expect(articleGist(body, 8)).toBe("Express costs $9.99 (e.g. for shoes).");
    expect(articleGist(body, 11)).toBe(
      "Express costs $9.99 (e.g. for shoes). See shop.example.com for more.",
    );
  });

  it("strips headings, list markers, emphasis, code and links", () => {
    const body = [
      "# Returns",
      "",
      "You can return **most** items within `30` days.",
      "- Print the label from [your account](https://shop.example.com/account).",
      "1. Drop the parcel at __any__ post office.",
    ].join("\n");
    expect(articleGist(body)).toBe(
      "You can return most items within 30 days. Print the label from your account. Drop the parcel at any post office.",
    );
  });

  it("stops at a sentence boundary once the word limit is reached", () => {
    const body = "One two three. Four five six. Seven eight nine.";
    expect(articleGist(body, 6)).toBe("One two three. Four five six.");
    expect(articleGist(body, 5)).toBe("One two three.");
  });

  it("keeps the first sentence even when it is longer than the limit", () => {
    expect(articleGist("A very long first sentence here. Next.", 2)).toBe("A very long first sentence here.");
  });

  it("keeps text that has no sentence punctuation", () => {
    expect(articleGist("Just a note")).toBe("Just a note");
  });

  it("caps the gist at about 70 words by default", () => {
    const body = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} here.`).join(" ");
    const words = articleGist(body).split(/\s+/).length;
    expect(words).toBeLessThanOrEqual(70);
    expect(words).toBeGreaterThan(60);
  });
});

describe("composeReply", () => {
  it("signs off and cites nothing it did not state", () => {
    const reply = composeReply({ articles: [] });
    expect(reply.citations).toEqual([]);
    expect(reply.text).toMatch(/^Hi there,/);
    expect(reply.text).toMatch(/Best regards,\nCountersign Shop support$/);
  });

  it("formats the order's total in its own currency", () => {
    const reply = composeReply({
      customerName: "Grace Hopper",
      articles: [],
      order: { ...ORDER, totalCents: 4_200, currency: "EUR", placedAt: "2026-01-09T23:59:00.000Z" },
    });
    expect(reply.text).toContain("placed on 9 January 2026 for €42.00");
    expect(reply.text).toMatch(/^Hi Grace,/);
  });
});
