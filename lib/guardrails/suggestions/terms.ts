/** Words too common in support mail to say anything about a ticket. */
const STOPWORDS = new Set(
  (
    "about after again also always another anything back been before being between both cannot could " +
    "dear does doing done each even every from have having hello help here just know like make many more " +
    "most much need only other over please really same should since some still such than thank thanks " +
    "that their them then there these they thing this those through under until very want were what when " +
    "where which while will with would your yours order orders account"
  ).split(" "),
);

/** The distinct content words of a ticket (lower case, 4+ letters, no stop words), for term mining. */
export function termsOf(text: string): Set<string> {
  const terms = new Set<string>();
  for (const match of text.toLowerCase().matchAll(/[a-z][a-z]{3,}/g)) {
    if (!STOPWORDS.has(match[0])) terms.add(match[0]);
  }
  return terms;
}

/**
 * Terms shared by at least `minSupport` of the `flagged` texts and rare in the
 * `others` (at least `precision` of the texts holding the term are flagged),
 * best first: most flagged texts, then fewest others, then alphabetically.
 */
export function distinctiveTerms(
  flagged: string[],
  others: string[],
  options: { minSupport: number; precision: number; max: number },
): { term: string; flagged: number; others: number }[] {
  const count = (texts: string[]) => {
    const counts = new Map<string, number>();
    for (const text of texts) for (const t of termsOf(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
    return counts;
  };
  const inFlagged = count(flagged);
  const inOthers = count(others);
  return [...inFlagged]
    .map(([term, n]) => ({ term, flagged: n, others: inOthers.get(term) ?? 0 }))
    .filter((t) => t.flagged >= options.minSupport && t.flagged / (t.flagged + t.others) >= options.precision)
    .sort((a, b) => b.flagged - a.flagged || a.others - b.others || a.term.localeCompare(b.term))
    .slice(0, options.max);
}
