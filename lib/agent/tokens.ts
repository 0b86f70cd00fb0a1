import { countTokens as countBpeTokens } from "gpt-tokenizer";

/** Texts at least this long keep their count: instructions, article bodies and tool results recur across calls. */
const MEMO_MIN_CHARS = 200;
const MEMO_SIZE = 2_000;
const memo = new Map<string, number>();

/** Counts tokens with the o200k BPE tokenizer (the one OpenAI's current models use). */
export function countTokens(text: string): number {
  if (!text) return 0;
  if (text.length < MEMO_MIN_CHARS) return countBpeTokens(text);
  const known = memo.get(text);
  if (known !== undefined) return known;
  const count = countBpeTokens(text);
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value ?? "");
  memo.set(text, count);
  return count;
}

/** The tokens of texts sent together, one separator token between them; each text is counted once per process. */
export function countTokensOfParts(parts: readonly string[]): number {
  return parts.reduce((sum, part) => sum + countTokens(part), Math.max(0, parts.length - 1));
}
