/** The slice of the OpenAI Chat Completions protocol the scripted model speaks. */
export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | null;
  tool_call_id?: string;
  tool_calls?: ChatToolCall[];
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: { type: string; function: { name: string } }[];
}

/** One scripted answer: a message, an HTTP error, or a raw body. */
export type ScriptedAnswer =
  | { type: "message"; message: ChatMessage; finish: "stop" | "tool_calls" | "length"; promptTokens?: number }
  | { type: "error"; status: number; message: string };

/** What the conversation so far holds, read from the request. */
export interface Conversation {
  request: ChatRequest;
  /** The ticket's sender, from the ticket block. */
  fromEmail: string;
  subject: string;
  body: string;
  system: string;
  /** Tool calls made so far, with their results. */
  calls: { name: string; args: unknown; result: unknown }[];
  planning: boolean;
  /** The verification feedback, when this is a repair round. */
  repair: boolean;
}

export function readConversation(request: ChatRequest): Conversation {
  const user = request.messages.find((m) => m.role === "user")?.content ?? "";
  const system = request.messages
    .filter((m) => m.role === "system")
    .map((m) => m.content ?? "")
    .join("\n");
  const ticket = /<ticket>\nFrom: (.*)\nChannel: .*\nSubject: (.*)\n\n([\s\S]*)\n<\/ticket>/.exec(user);
  const results = new Map(
    request.messages.filter((m) => m.role === "tool").map((m) => [m.tool_call_id ?? "", m.content ?? ""]),
  );
  const calls = request.messages.flatMap((m) =>
    m.role === "assistant"
      ? (m.tool_calls ?? []).map((c) => ({
          name: c.function.name,
          args: parse(c.function.arguments),
          result: parse(results.get(c.id) ?? ""),
        }))
      : [],
  );
  return {
    request,
    fromEmail: ticket?.[1] ?? "",
    subject: ticket?.[2] ?? "",
    body: ticket?.[3] ?? "",
    system,
    calls,
    planning: Boolean(request.tools?.length),
    repair: request.messages.some(
      (m) => m.role === "user" && (m.content ?? "").startsWith("Verification failed:"),
    ),
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
