import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { ConfigError, env } from "@/lib/env";
import { createOfflineModel, OFFLINE_MODEL_ID } from "../offline/model";

export { OFFLINE_MODEL_ID };

export interface ModelSettings {
  small: string;
  large: string;
  fallback: string;
}

export function modelSettings(): ModelSettings {
  const e = env();
  return {
    small: e.AGENT_MODEL_SMALL ?? e.AGENT_MODEL,
    large: e.AGENT_MODEL,
    fallback: e.AGENT_MODEL_FALLBACK,
  };
}

/** The provider part of a model id ("openai:gpt-4.1" -> "openai"): one circuit breaker each. */
export function providerOf(modelId: string): string {
  return modelId.includes(":") ? (modelId.split(":")[0] ?? modelId) : modelId;
}

function need(value: string | undefined, variable: string, modelId: string): string {
  if (!value)
    throw new ConfigError(`The model ${modelId} needs ${variable}. Set it, or use AGENT_MODEL=offline.`);
  return value;
}

/** The one place that turns a model id into an AI SDK language model. */
export function getLanguageModel(modelId: string): LanguageModelV4 {
  if (modelId === OFFLINE_MODEL_ID) return createOfflineModel();
  const [provider, ...rest] = modelId.split(":");
  const name = rest.join(":");
  if (!name)
    throw new ConfigError(`Model ids look like provider:model (e.g. openai:gpt-4.1-mini); got "${modelId}".`);
  const e = env();
  switch (provider) {
    case "openai":
      return createOpenAI({
        apiKey: need(e.OPENAI_API_KEY, "OPENAI_API_KEY", modelId),
        baseURL: e.OPENAI_BASE_URL,
      })(name);
    case "anthropic":
      return createAnthropic({ apiKey: need(e.ANTHROPIC_API_KEY, "ANTHROPIC_API_KEY", modelId) })(name);
    case "ollama":
      return createOpenAICompatible({
        name: "ollama",
        baseURL: e.OPENAI_COMPATIBLE_BASE_URL ?? "http://127.0.0.1:11434/v1",
        apiKey: e.OPENAI_COMPATIBLE_API_KEY,
      }).chatModel(name);
    case "compatible":
      return createOpenAICompatible({
        name: "compatible",
        baseURL: need(e.OPENAI_COMPATIBLE_BASE_URL, "OPENAI_COMPATIBLE_BASE_URL", modelId),
        apiKey: e.OPENAI_COMPATIBLE_API_KEY,
      }).chatModel(name);
    default:
      throw new ConfigError(
        `Unknown model provider "${provider}" in "${modelId}". Use offline, openai:*, anthropic:*, ollama:* or compatible:*.`,
      );
  }
}
