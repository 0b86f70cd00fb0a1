import { z } from "zod";
import type { Proposal, Retrieved, RetrievedOrder } from "./types";

/**
 * Claim-by-claim grounding of a reply draft: each sentence linked to the
 * knowledge-base passage or the order field that supports it, or marked as
 * unsupported. Pure: computed from the draft and what the run retrieved, when
 * the draft is verified, and stored with the action.
 */

export const sentenceSupportSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("article"),
    slug: z.string().max(200),
    title: z.string().max(300),
    passage: z.string().max(2_000),
  }),
  z.object({
    type: z.literal("order"),
    number: z.string().max(40),
    field: z.enum(["status", "placedAt", "total", "number"]),
    value: z.string().max(200),
  }),
  /** Greetings, thanks and sign-offs: not a claim, nothing to support. */
  z.object({ type: z.literal("not_a_claim") }),
  z.object({ type: z.literal("unsupported") }),
]);
export type SentenceSupport = z.infer<typeof sentenceSupportSchema>;

export const groundingSchema = z.object({
  sentences: z
    .array(
      z.object({
        start: z.number().int().nonnegative(),
        end: z.number().int().nonnegative(),
        support: sentenceSupportSchema,
      }),
    )
    .max(200),
});
export type Grounding = z.infer<typeof groundingSchema>;

const STOP = new Set(
  "the and for you your our are was were has have had this that with from will can not but all any out its it's into about there their they them then than what when which who how just also been being very more most some such only own same too get got let may might must should would could over under again each few other off once here why where yes".split(
    " ",
  ),
);
const NOT_A_CLAIM =
  /^\W*(hi|hello|hey|dear|thanks|thank you|best|kind regards|regards|sincerely|cheers|warm regards|if anything is unclear|let us know|feel free)\b/i;
/** Quoted text (the customer's own words, an article's title) is not the draft's claim. */
const QUOTED = /“[^”]*”|"[^"]*"/g;
const ORDER = /\bORD-\d{6}\b/gi;

function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [])
    .filter((w) => w.length >= 3 && !STOP.has(w))
    .map((w) => w.replace(/(ing|ed|es|s)$/, ""));
}

/** The sentences of a text with their offsets: split after . ! ? followed by a space, or at line breaks. */
export function splitSentences(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const push = (from: number, to: number) => {
    const raw = text.slice(from, to);
    const body = raw.trim();
    if (!body) return;
    const start = from + (raw.length - raw.trimStart().length);
    out.push({ start, end: start + body.length });
  };
  let from = 0;
  for (const m of text.matchAll(/[.!?]+["')\]”’]*(?=\s|$)|\n/g)) {
    const to = (m.index ?? 0) + (m[0] === "\n" ? 0 : m[0].length);
    push(from, to);
    from = to;
  }
  push(from, text.length);
  return out;
}

function passagesOf(body: string): string[] {
  return body
    .split(/\n+|(?<=[.!?])\s+/)
    .map((p) =>
      p
        .replace(/^[#>*\-\s|]+/, "")
        .replace(/\*\*?|__/g, "")
        .trim(),
    )
    .filter((p) => p.length > 0);
}

function orderSupport(sentence: string, order: RetrievedOrder): SentenceSupport {
  const lower = sentence.toLowerCase();
  if (
    lower.includes(order.status.toLowerCase().replace(/_/g, " ")) ||
    lower.includes(order.status.toLowerCase())
  )
    return { type: "order", number: order.number, field: "status", value: order.status };
  const day = order.placedAt.slice(0, 10);
  if (sentence.includes(day)) return { type: "order", number: order.number, field: "placedAt", value: day };
  const total = (order.totalCents / 100).toFixed(2);
  if (sentence.includes(total))
    return { type: "order", number: order.number, field: "total", value: `${total} ${order.currency}` };
  return { type: "order", number: order.number, field: "number", value: order.number };
}

const MIN_SHARED = 2;
const MIN_RATIO = 0.5;

/** An article's passages with their words, by body: the same few articles back run after run. */
const passageWords = new Map<string, { passage: string; words: Set<string> }[]>();
const PASSAGE_CACHE_LIMIT = 500;

function passagesWithWords(body: string): { passage: string; words: Set<string> }[] {
  const known = passageWords.get(body);
  if (known) return known;
  const passages = passagesOf(body).map((passage) => ({ passage, words: new Set(words(passage)) }));
  if (passageWords.size >= PASSAGE_CACHE_LIMIT) passageWords.delete(passageWords.keys().next().value ?? "");
  passageWords.set(body, passages);
  return passages;
}

function articleSupport(sentence: string, retrieved: Retrieved): SentenceSupport | null {
  const own = new Set(words(sentence));
  if (own.size === 0) return null;
  let best: { score: number; shared: number; slug: string; title: string; passage: string } | null = null;
  for (const [slug, article] of retrieved.articles) {
    for (const { passage, words: theirs } of passagesWithWords(article.body)) {
      let shared = 0;
      for (const w of own) if (theirs.has(w)) shared++;
      const score = shared / own.size;
      if (!best || score > best.score) best = { score, shared, slug, title: article.title, passage };
    }
  }
  if (!best || best.shared < MIN_SHARED || best.score < MIN_RATIO) return null;
  return { type: "article", slug: best.slug, title: best.title, passage: best.passage.slice(0, 2_000) };
}

/** Links each sentence of `text` to its support among what the run retrieved. */
export function groundReply(text: string, retrieved: Retrieved): Grounding {
  const sentences = splitSentences(text).map(({ start, end }) => {
    const sentence = text.slice(start, end);
    const support = supportFor(sentence, retrieved);
    return { start, end, support };
  });
  return { sentences: sentences.slice(0, 200) };
}

function supportFor(sentence: string, retrieved: Retrieved): SentenceSupport {
  const own = words(sentence.replace(QUOTED, " "));
  if (NOT_A_CLAIM.test(sentence) && own.length <= 6) return { type: "not_a_claim" };
  // A signature line: a few words, no full stop, no figures.
  if (own.length <= 3 && !/[.!?\d]/.test(sentence)) return { type: "not_a_claim" };
  for (const m of sentence.matchAll(ORDER)) {
    const order = retrieved.orders.get(m[0].toUpperCase());
    if (order) return orderSupport(sentence, order);
  }
  // "(See “Title”.)": a pointer to an article the run retrieved.
  for (const [slug, article] of retrieved.articles) {
    if (sentence.includes(`“${article.title}”`) && own.length <= 2) {
      return { type: "article", slug, title: article.title, passage: article.title };
    }
  }
  return (
    articleSupport(sentence, retrieved) ??
    (own.length === 0 ? { type: "not_a_claim" } : { type: "unsupported" })
  );
}

/** The proposal with its grounding stored in the payload when it is a reply; other kinds unchanged. */
export function withGrounding(proposal: Proposal, retrieved: Retrieved): Proposal {
  if (proposal.kind !== "reply") return proposal;
  return {
    ...proposal,
    payload: { ...proposal.payload, grounding: groundReply(proposal.payload.text, retrieved) },
  };
}
