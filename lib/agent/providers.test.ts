import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, agentRuns, agentSteps, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { createTestDatabase, defaultDriver, type TestDatabase } from "@/test/db";
import { restoreEnv, stubEnv } from "@/test/env";
import { getLanguageModel, OFFLINE_MODEL_ID } from "./models";
import { resetBreakers } from "./models/resilience";
import { runAgent } from "./run";

const NOW = new Date("2026-11-01T12:00:00Z");
const MODEL_ID = "compatible:scripted";
const MODELS = { small: MODEL_ID, large: MODEL_ID, fallback: OFFLINE_MODEL_ID };
const FAST = {
  timeoutMs: 2_000,
  maxAttempts: 3,
  initialDelayMs: 1,
  maxDelayMs: 5,
  breakerThreshold: 5,
  halfOpenAfterMs: 1_000,
};
const REPLY_TEXT =
  "Hi, you can follow your order under Account > Orders; the shipping email has the tracking link.";

// ---------------------------------------------------------------------------------------------
// A scripted OpenAI-compatible Chat Completions server.

interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | null;
  tool_call_id?: string;
  tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
}

interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: ChatMessage[];
  tools?: {
    type: string;
    function: { name: string; description?: string; parameters: Record<string, unknown> };
  }[];
}

interface Exchange {
  path: string;
  body: ChatRequest;
  status: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** The article slug the draft cited, when this answer drafted. */
  cited?: string;
}

type Mode = "script" | "fail";

function startServer() {
  const exchanges: Exchange[] = [];
  let mode: Mode = "script";

  const answer = (body: ChatRequest, n: number): { message: ChatMessage; finish: string; cited?: string } => {
    const calls = body.messages.flatMap((m) => (m.role === "assistant" ? (m.tool_calls ?? []) : []));
    const call = (name: string, args: unknown) => ({
      message: {
        role: "assistant" as const,
        content: null,
        tool_calls: [
          { id: `call_${n}`, type: "function" as const, function: { name, arguments: JSON.stringify(args) } },
        ],
      },
      finish: "tool_calls",
    });
    const text = (content: string) => ({ message: { role: "assistant" as const, content }, finish: "stop" });

    // Reflection (and anything else without tools): plain text.
    if (!body.tools?.length) return text('{"verdict":"ok","notes":["Cites the article it relies on."]}');
    const search = calls.find((c) => c.function.name === "search_knowledge_base");
    if (!search) return call("search_knowledge_base", { query: "track order delivery" });
    if (!calls.some((c) => c.function.name === "draft_reply")) {
      const result = body.messages.find((m) => m.role === "tool" && m.tool_call_id === search.id);
      const slug = (JSON.parse(result?.content ?? "{}") as { articles?: { slug: string }[] }).articles?.[0]
        ?.slug;
      if (!slug) return text("The knowledge base had nothing on this.");
      return {
        ...call("draft_reply", { text: REPLY_TEXT, citations: [{ type: "article", slug }] }),
        cited: slug,
      };
    }
    return text("I drafted a reply for a person to review.");
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const body = (raw ? JSON.parse(raw) : {}) as ChatRequest;
      const n = exchanges.length + 1;
      const send = (status: number, payload: unknown, extra: Partial<Exchange> = {}) => {
        exchanges.push({ path: req.url ?? "", body, status, ...extra });
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        return send(404, { error: { message: `No route ${req.method} ${req.url}`, type: "not_found" } });
      }
      if (mode === "fail") {
        return send(500, { error: { message: "upstream exploded", type: "server_error" } });
      }
      const { message, finish, cited } = answer(body, n);
      const usage = { prompt_tokens: 100 + n, completion_tokens: 10 + n };
      send(
        200,
        {
          id: `chatcmpl-${n}`,
          object: "chat.completion",
          created: Math.floor(NOW.getTime() / 1000),
          model: body.model,
          choices: [{ index: 0, message, finish_reason: finish }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        },
        { usage, cited },
      );
    });
  });

  return {
    exchanges,
    setMode: (m: Mode) => {
      mode = m;
    },
    listen: () =>
      new Promise<number>((resolve) => {
        server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------

async function stepsOf(db: Db, runId: string) {
  return db
    .select({
      kind: agentSteps.kind,
      name: agentSteps.name,
      input: agentSteps.input,
      model: agentSteps.model,
      inputTokens: agentSteps.inputTokens,
      outputTokens: agentSteps.outputTokens,
    })
    .from(agentSteps)
    .where(eq(agentSteps.runId, runId))
    .orderBy(asc(agentSteps.seq));
}

describe("an OpenAI-compatible provider over HTTP", () => {
  let handle: TestDatabase;
  let db: Db;
  let ticketIds: string[];
  const server = startServer();

  beforeAll(async () => {
    const port = await server.listen();
    stubEnv({ OPENAI_COMPATIBLE_BASE_URL: `http://127.0.0.1:${port}/v1` });
    handle = await createTestDatabase(defaultDriver());
    db = handle.db;
    await seedDemo(db, { now: NOW });
    const rows = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(eq(tickets.intent, "track_order"))
      .orderBy(asc(tickets.externalId));
    ticketIds = rows.map((r) => r.id);
  });

  afterAll(async () => {
    restoreEnv();
    await server.close();
    await handle?.destroy();
  });

  beforeEach(() => {
    server.exchanges.length = 0;
    server.setMode("script");
    resetBreakers();
  });

  it("plans with tools, sends tool results back and drafts a cited reply through the real provider package", async () => {
    const ticketId = ticketIds[0] ?? "";
    const outcome = await runAgent(db, ticketId, {
      models: MODELS,
      resolveModel: (id) => getLanguageModel(id),
      resilience: FAST,
      useCache: false,
    });
    expect(outcome.status).toBe("succeeded");

    const exchanges = server.exchanges;
    expect(exchanges.length).toBe(4);
    expect(exchanges.every((e) => e.path === "/v1/chat/completions" && e.status === 200)).toBe(true);
    const [first, second, third, fourth] = exchanges.map((e) => e.body);
    expect(first?.model).toBe("scripted");
    expect(first?.stream).not.toBe(true);
    expect(first?.messages[0]?.role).toBe("system");
    expect(first?.messages.find((m) => m.role === "user")?.content).toContain("<ticket>");

    // The tools go over the wire as functions with JSON schemas.
    const tools = first?.tools ?? [];
    const names = tools.map((t) => t.function.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "search_knowledge_base",
        "lookup_customer",
        "lookup_orders",
        "draft_reply",
        "escalate_to_human",
        "issue_refund",
      ]),
    );
    for (const t of tools) {
      expect(t.type).toBe("function");
      expect(t.function.parameters).toMatchObject({ type: "object" });
    }
    const draftSchema = tools.find((t) => t.function.name === "draft_reply")?.function.parameters as {
      properties: Record<string, unknown>;
      required?: string[];
    };
    expect(Object.keys(draftSchema.properties)).toEqual(expect.arrayContaining(["text", "citations"]));
    expect(draftSchema.required).toEqual(expect.arrayContaining(["text", "citations"]));
    const refundSchema = tools.find((t) => t.function.name === "issue_refund")?.function.parameters as {
      properties: Record<string, { type?: string }>;
    };
    expect(refundSchema.properties.amountCents?.type).toBe("integer");

    // The search result came back as a tool message answering the model's call.
    const toolMessage = second?.messages.find((m) => m.role === "tool");
    expect(toolMessage?.tool_call_id).toBe("call_1");
    const result = JSON.parse(toolMessage?.content ?? "{}") as { articles: { slug: string }[] };
    expect(result.articles.length).toBeGreaterThan(0);
    const cited = exchanges[1]?.cited;
    expect(cited).toBe(result.articles[0]?.slug);
    expect(third?.messages.filter((m) => m.role === "tool").map((m) => m.tool_call_id)).toEqual([
      "call_1",
      "call_2",
    ]);
    // Reflection: no tools, the draft in the prompt.
    expect(fourth?.tools ?? []).toEqual([]);
    expect(JSON.stringify(fourth?.messages)).toContain(REPLY_TEXT);

    const actions = await db
      .select({ kind: agentActions.kind, status: agentActions.status, payload: agentActions.payload })
      .from(agentActions)
      .where(eq(agentActions.runId, outcome.runId));
    expect(actions).toEqual([
      {
        kind: "reply",
        status: "pending_review",
        payload: {
          text: REPLY_TEXT,
          citations: [{ type: "article", slug: cited }],
          model: MODEL_ID,
          grounding: expect.any(Object),
        },
      },
    ]);

    const [run] = await db.select().from(agentRuns).where(eq(agentRuns.id, outcome.runId));
    expect(run).toMatchObject({ status: "succeeded", model: MODEL_ID, cacheHit: false });

    // Usage from the server's `usage` field is recorded on each model step and summed on the run.
    const steps = await stepsOf(db, outcome.runId);
    const modelSteps = steps.filter((s) => s.kind === "plan" || s.kind === "reflection");
    expect(modelSteps.map((s) => s.kind)).toEqual(["plan", "plan", "plan", "reflection"]);
    expect(modelSteps.map((s) => [s.inputTokens, s.outputTokens])).toEqual(
      exchanges.map((e) => [e.usage?.prompt_tokens, e.usage?.completion_tokens]),
    );
    expect(modelSteps.every((s) => s.model === MODEL_ID)).toBe(true);
    expect(run?.inputTokens).toBe(exchanges.reduce((n, e) => n + (e.usage?.prompt_tokens ?? 0), 0));
    expect(run?.outputTokens).toBe(exchanges.reduce((n, e) => n + (e.usage?.completion_tokens ?? 0), 0));
    expect(steps.filter((s) => s.kind === "tool_call").map((s) => s.name)).toEqual([
      "search_knowledge_base",
      "draft_reply",
    ]);
    expect(
      steps.filter((s) => s.kind === "verification").every((s) => s.name && !s.name.startsWith("repair")),
    ).toBe(true);
  });

  it("retries a provider answering HTTP 500, then falls back to the offline model", async () => {
    server.setMode("fail");
    const ticketId = ticketIds[1] ?? "";
    const outcome = await runAgent(db, ticketId, {
      models: MODELS,
      resolveModel: (id) => getLanguageModel(id),
      resilience: FAST,
      useCache: false,
    });
    expect(outcome.status).toBe("fell_back");
    expect(server.exchanges.map((e) => e.status)).toEqual([500, 500, 500]);

    const steps = await stepsOf(db, outcome.runId);
    const recoveries = steps.filter((s) => s.kind === "recovery");
    expect(recoveries.map((s) => s.name)).toEqual(["retry 1", "retry 2", "fallback model"]);
    expect(recoveries[0]?.input).toMatchObject({ model: MODEL_ID });
    expect(String((recoveries[0]?.input as { error: string } | undefined)?.error)).toContain(
      "upstream exploded",
    );
    expect(recoveries[2]?.input).toMatchObject({ failedModel: MODEL_ID });
    expect(steps.filter((s) => s.kind === "plan").every((s) => s.model === OFFLINE_MODEL_ID)).toBe(true);

    const [run] = await db.select().from(agentRuns).where(eq(agentRuns.id, outcome.runId));
    expect(run).toMatchObject({ status: "fell_back", model: OFFLINE_MODEL_ID });
    const actions = await db
      .select({ kind: agentActions.kind, status: agentActions.status, payload: agentActions.payload })
      .from(agentActions)
      .where(eq(agentActions.runId, outcome.runId));
    expect(actions.map((a) => [a.kind, a.status])).toEqual([["reply", "pending_review"]]);
    expect((actions[0]?.payload as { model: string } | undefined)?.model).toBe(OFFLINE_MODEL_ID);
  });
});
