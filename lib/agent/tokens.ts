import { encode } from "gpt-tokenizer";

/** Counts tokens with the o200k BPE tokenizer (the one OpenAI's current models use). */
export function countTokens(text: string): number {
  return text ? encode(text).length : 0;
}
