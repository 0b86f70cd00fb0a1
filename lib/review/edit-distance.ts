import { createTwoFilesPatch } from "diff";
import { distance } from "fastest-levenshtein";

/** Levenshtein distance divided by the longer text's length: 0 = unchanged, 1 = rewritten. */
export function normalisedEditDistance(original: string, final: string): number {
  const longest = Math.max(original.length, final.length);
  if (longest === 0) return 0;
  return Number((distance(original, final) / longest).toFixed(4));
}

/** A unified diff of the agent's draft against the reviewer's text, as stored with the review. */
export function unifiedDiff(original: string, final: string): string {
  return createTwoFilesPatch("agent draft", "approved reply", `${original}\n`, `${final}\n`, "", "", {
    context: 3,
  });
}
