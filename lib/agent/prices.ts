/**
 * Prices per million tokens, in micro-dollars (millionths of a dollar), one row
 * per model id. Unknown models cost nothing here and are flagged in the chain.
 */
const PRICES: Record<string, { input: number; output: number }> = {
  offline: { input: 0, output: 0 },
  "openai:gpt-4.1": { input: 2_000_000, output: 8_000_000 },
  "openai:gpt-4.1-mini": { input: 400_000, output: 1_600_000 },
  "openai:gpt-4o": { input: 2_500_000, output: 10_000_000 },
  "openai:gpt-4o-mini": { input: 150_000, output: 600_000 },
  "openai:gpt-5": { input: 1_250_000, output: 10_000_000 },
  "openai:gpt-5-mini": { input: 250_000, output: 2_000_000 },
  "anthropic:claude-sonnet-4-5": { input: 3_000_000, output: 15_000_000 },
  "anthropic:claude-haiku-4-5": { input: 1_000_000, output: 5_000_000 },
  "anthropic:claude-opus-4-1": { input: 15_000_000, output: 75_000_000 },
};

export function hasPrice(modelId: string): boolean {
  return modelId in PRICES;
}

/** Cost of one call in micro-dollars, rounded to a whole micro-dollar. */
export function costMicroUsd(modelId: string, inputTokens: number, outputTokens: number): number {
  const price = PRICES[modelId];
  if (!price) return 0;
  return Math.round((inputTokens * price.input + outputTokens * price.output) / 1_000_000);
}
