import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BEHAVIOURS, type BehaviourName, type World } from "./behaviours";
import { type ChatRequest, readConversation } from "./protocol";

/**
 * A scripted model speaking the OpenAI Chat Completions protocol on
 * loopback. The requested model name picks the behaviour
 * (`compatible:tool-loop` asks for "tool-loop"); the app drives it through
 * the real `@ai-sdk/openai-compatible` provider.
 */
export function startHostileServer(world: World) {
  const counts = new Map<string, number>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests++;
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      let body: ChatRequest;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest;
      } catch {
        return send(400, { error: { message: "Bad JSON", type: "invalid_request_error" } });
      }
      const name = body.model as BehaviourName;
      const script = BEHAVIOURS[name];
      if (!script) return send(404, { error: { message: `No model ${body.model}`, type: "not_found" } });
      const n = counts.get(name) ?? 0;
      counts.set(name, n + 1);
      const answer = script(readConversation(body), world, n);
      if (answer.type === "error")
        return send(answer.status, { error: { message: answer.message, type: "server_error" } });
      const prompt = answer.promptTokens ?? Math.ceil(JSON.stringify(body.messages).length / 4);
      const completion = Math.ceil(JSON.stringify(answer.message).length / 4);
      send(200, {
        id: `chatcmpl-${requests}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: answer.message, finish_reason: answer.finish }],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      });
    });
  });
  return {
    get requests() {
      return requests;
    },
    listen: () =>
      new Promise<string>((resolve) => {
        server.listen(0, "127.0.0.1", () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`),
        );
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
