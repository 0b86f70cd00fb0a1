import { diffSentences } from "diff";
import { MAX_EVIDENCE, MIN_SUPPORT, type MinedReview, type Suggestion } from "./types";

/** The longest sentence proposed as an instruction: reviewers' text is capped before it reaches the planner. */
const MAX_SENTENCE = 300;

const normalise = (sentence: string) => sentence.toLowerCase().replace(/\s+/g, " ").trim();

/** The sentences of a diff part (a part may hold several). */
function sentencesOf(text: string): string[] {
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  return [...segmenter.segment(text)]
    .map((s) => s.segment.replace(/\s+/g, " ").trim())
    .filter((s) => s.length >= 12 && s.length <= MAX_SENTENCE && /[a-z]/i.test(s));
}

interface Seen {
  text: string;
  reviews: MinedReview[];
}

/**
 * Repeated edits: a sentence reviewers added (or removed) in at least
 * MIN_SUPPORT edited replies becomes a line for the planner instructions.
 */
export function mineRepeatedEdits(reviews: MinedReview[], instructions: string): Suggestion[] {
  const added = new Map<string, Seen>();
  const removed = new Map<string, Seen>();
  for (const r of reviews) {
    if (r.decision !== "edit" || !r.originalText || !r.finalText) continue;
    const once = new Set<string>();
    for (const part of diffSentences(r.originalText, r.finalText)) {
      if (!part.added && !part.removed) continue;
      const into = part.added ? added : removed;
      for (const sentence of sentencesOf(part.value)) {
        const key = `${part.added ? "+" : "-"}${normalise(sentence)}`;
        if (once.has(key)) continue;
        once.add(key);
        const seen = into.get(key) ?? { text: sentence, reviews: [] };
        seen.reviews.push(r);
        into.set(key, seen);
      }
    }
  }
  const known = normalise(instructions);
  const suggestions: Suggestion[] = [];
  for (const [verb, seenMap] of [
    ["added", added],
    ["removed", removed],
  ] as const) {
    const ranked = [...seenMap.values()]
      .filter((s) => s.reviews.length >= MIN_SUPPORT && !known.includes(normalise(s.text)))
      .sort((a, b) => b.reviews.length - a.reviews.length || a.text.localeCompare(b.text));
    // The most repeated sentence each way: the template the agent and reviewers disagree on.
    for (const seen of ranked.slice(0, 1)) {
      const quoted = seen.text.replaceAll('"', "'");
      const line =
        verb === "added"
          ? `Where it fits, include this sentence reviewers keep adding: "${quoted}"`
          : `Do not write this sentence reviewers keep removing: "${quoted}"`;
      suggestions.push({
        id: `edit:${verb}:${normalise(seen.text)}`,
        kind: "instruction_line",
        title:
          verb === "added"
            ? `Instruct the planner to include "${quoted}"`
            : `Instruct the planner not to write "${quoted}"`,
        rationale: `Reviewers ${verb} this sentence in ${seen.reviews.length} edited replies.`,
        change: { type: "add_instruction", line },
        evidence: seen.reviews.slice(0, MAX_EVIDENCE).map((r) => ({
          reviewId: r.reviewId,
          ticketId: r.ticketId,
          externalId: r.externalId,
          subject: r.subject,
          detail: `edit ${verb} the sentence`,
        })),
        support: seen.reviews.length,
      });
    }
  }
  return suggestions;
}
