/** Abbreviations after which a sentence does not end, whatever the next word's case. */
const ABBREVIATIONS = /(?:^|\s)(?:e\.g|i\.e|etc|approx|incl|no|vs|mr|mrs|ms|dr|st)\.$/i;

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/**
 * Sentences of a text by Unicode sentence boundaries (Intl.Segmenter), so
 * "$9.99", "shop.example.com" and "e.g." stay whole; a segment that ends in a
 * known abbreviation is joined with the next.
 */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let carry = "";
  for (const { segment } of segmenter.segment(text)) {
    const joined = `${carry}${segment}`;
    if (ABBREVIATIONS.test(joined.trimEnd())) {
      carry = joined;
      continue;
    }
    carry = "";
    if (joined.trim()) out.push(joined.trim());
  }
  if (carry.trim()) out.push(carry.trim());
  return out;
}
