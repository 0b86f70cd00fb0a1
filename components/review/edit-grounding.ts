import { type Grounding, type SentenceSupport, splitSentences } from "@/lib/agent/grounding";

export type EditedSentence = { text: string; support: SentenceSupport | { type: "new" } };

/**
 * The marks of the edit view: each sentence of the edited reply keeps the
 * support its identical sentence had in the verified draft; a sentence the
 * reviewer wrote or changed is "new" (nothing checked it against the sources).
 */
export function groundEdited(
  original: string,
  grounding: Grounding | undefined,
  edited: string,
): EditedSentence[] {
  const known = new Map<string, SentenceSupport>();
  for (const s of grounding?.sentences ?? []) known.set(original.slice(s.start, s.end), s.support);
  return splitSentences(edited).map(({ start, end }) => {
    const text = edited.slice(start, end);
    return { text, support: known.get(text) ?? { type: "new" } };
  });
}
