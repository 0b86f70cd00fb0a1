/**
 * Format checks for fine-tuning files, for tests. The chat (SFT) check mirrors
 * the OpenAI cookbook's "Data preparation and analysis for chat model
 * fine-tuning" format-error pass, with its error names, tightened where our
 * contract is stricter: roles only system/user/assistant, and no keys besides
 * the ones listed. Each function returns error names; an empty list means valid.
 */
type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const MESSAGE_KEYS = ["role", "content", "name", "function_call", "weight"];

function messageErrors(message: Json, roles: readonly string[]): string[] {
  if (!isObject(message)) return ["message_data_type"];
  const errors: string[] = [];
  if (!("role" in message) || !("content" in message)) errors.push("message_missing_key");
  if (Object.keys(message).some((k) => !MESSAGE_KEYS.includes(k))) errors.push("message_unrecognized_key");
  if (!roles.includes(message.role as string)) errors.push("unrecognized_role");
  // As in the cookbook: empty content counts as missing.
  if (typeof message.content !== "string" || message.content.length === 0) errors.push("missing_content");
  return errors;
}

function unknownKeys(record: Record<string, Json>, allowed: string[]): string[] {
  return Object.keys(record).some((k) => !allowed.includes(k)) ? ["unrecognized_key"] : [];
}

/** OpenAI chat fine-tuning: `{"messages":[...]}` with at least one assistant message. */
export function chatFormatErrors(example: Json): string[] {
  if (!isObject(example)) return ["data_type"];
  const messages = example.messages;
  if (!Array.isArray(messages) || messages.length === 0) return ["missing_messages_list"];
  const errors = [
    ...unknownKeys(example, ["messages"]),
    ...messages.flatMap((m) => messageErrors(m, ["system", "user", "assistant"])),
  ];
  if (!messages.some((m) => isObject(m) && m.role === "assistant")) {
    errors.push("example_missing_assistant_message");
  }
  return errors;
}

function promptErrors(messages: Json): string[] {
  if (!Array.isArray(messages) || messages.length === 0) return ["missing_prompt_messages"];
  const errors = messages.flatMap((m) => messageErrors(m, ["system", "user"]));
  if (!(isObject(messages.at(-1)) && (messages.at(-1) as Record<string, Json>).role === "user")) {
    errors.push("prompt_must_end_with_user");
  }
  return errors;
}

function completionErrors(output: Json, name: string): string[] {
  if (!Array.isArray(output) || output.length !== 1) return [`${name}_must_be_one_message`];
  return messageErrors(output[0], ["assistant"]).map((e) => `${name}_${e}`);
}

/** OpenAI preference fine-tuning (DPO): input.messages, preferred_output, non_preferred_output. */
export function dpoFormatErrors(example: Json): string[] {
  if (!isObject(example)) return ["data_type"];
  const input = example.input;
  if (!isObject(input)) return ["missing_input"];
  return [
    ...unknownKeys(example, ["input", "preferred_output", "non_preferred_output"]),
    ...unknownKeys(input, ["messages", "tools", "parallel_tool_calls"]),
    ...promptErrors(input.messages),
    ...completionErrors(example.preferred_output, "preferred_output"),
    ...completionErrors(example.non_preferred_output, "non_preferred_output"),
  ];
}

/** TRL preference data, conversational form: prompt (messages), chosen and rejected (assistant messages). */
export function trlFormatErrors(example: Json): string[] {
  if (!isObject(example)) return ["data_type"];
  return [
    ...unknownKeys(example, ["prompt", "chosen", "rejected"]),
    ...promptErrors(example.prompt),
    ...completionErrors(example.chosen, "chosen"),
    ...completionErrors(example.rejected, "rejected"),
  ];
}

/** Splits a JSONL file: one JSON value per line, a final newline, no blank lines. */
export function jsonLines(text: string): Json[] {
  if (text === "") return [];
  if (!text.endsWith("\n")) throw new Error("A JSONL file must end with a newline.");
  return text
    .slice(0, -1)
    .split("\n")
    .map((line, i) => {
      if (line.trim() === "") throw new Error(`Line ${i + 1} is blank.`);
      return JSON.parse(line) as Json;
    });
}
