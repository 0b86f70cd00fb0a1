import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A scripted OpenAI-compatible Chat Completions server on loopback, for driving
 * the real provider packages over HTTP. Each request is either answered by the
 * script (search the knowledge base, draft a cited reply, stop; plain text when
 * no tools are offered) or failed with the status `fail` returns for it.
 */
interface ChatMessage {
  role: string;
  content: string | null;
  tool_call_id?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: unknown[];
}

export interface Failure {
  status: number;
  message: string;
}

export interface ChatServer {
  /** Every request's status, in order. */
  statuses: number[];
  /** Decides, per request (numbered from 1), whether it fails; null answers it. */
  fail: (n: number, body: ChatRequest) => Failure | null;
  url: string;
  close: () => Promise<void>;
}

export const SCRIPTED_REPLY =
  "Hi, you can follow your order under Account > Orders; the tracking link is in the email.";

function answer(body: ChatRequest, n: number) {
  const calls = body.messages.flatMap((m) => (m.role === "assistant" ? (m.tool_calls ?? []) : []));
  const call = (name: string, args: unknown) => ({
    message: {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: `call_${n}`, type: "function", function: { name, arguments: JSON.stringify(args) } },
      ],
    },
    finish: "tool_calls",
  });
  const text = (content: string) => ({ message: { role: "assistant", content }, finish: "stop" });
  if (!body.tools?.length) return text('{"verdict":"ok","notes":[]}');
  const search = calls.find((c) => c.function.name === "search_knowledge_base");
  if (!search) return call("search_knowledge_base", { query: "track order delivery" });
  if (!calls.some((c) => c.function.name === "draft_reply")) {
    const result = body.messages.find((m) => m.role === "tool" && m.tool_call_id === search.id);
    const slug = (JSON.parse(result?.content ?? "{}") as { articles?: { slug: string }[] }).articles?.[0]
      ?.slug;
    if (!slug)
      return call("escalate_to_human", { reason: "Nothing in the knowledge base.", team: "support" });
    return call("draft_reply", { text: SCRIPTED_REPLY, citations: [{ type: "article", slug }] });
  }
  return text("Drafted.");
}

export async function startChatServer(): Promise<ChatServer> {
  const statuses: number[] = [];
  const state: ChatServer = { statuses, fail: () => null, url: "", close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as ChatRequest;
      const n = statuses.length + 1;
      const failure = state.fail(n, body);
      const send = (status: number, payload: unknown) => {
        statuses.push(status);
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (failure) return send(failure.status, { error: { message: failure.message, type: "error" } });
      const { message, finish } = answer(body, n);
      send(200, {
        id: `chatcmpl-${n}`,
        object: "chat.completion",
        created: 1_790_000_000,
        model: body.model,
        choices: [{ index: 0, message, finish_reason: finish }],
        usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
