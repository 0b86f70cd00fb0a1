import { formatCents } from "@/lib/format";
import { sentences } from "@/lib/triage/segment";
import { formatDay } from "../facts";
import type { Citation, RetrievedOrder } from "../types";

export interface ArticleFact {
  slug: string;
  title: string;
  body: string;
  rank: number;
  tags?: string[];
}

/**
 * The first sentences of an article, without Markdown syntax, up to about
 * `maxWords` words. Sentences come from a Unicode segmenter, so "$9.99",
 * "shop.example.com" and "e.g." stay whole.
 */
export function articleGist(body: string, maxWords = 70): string {
  const text = body
    .split("\n")
    // Headings repeat the title the reply cites; the passage starts with the article's first sentence.
    .filter((line) => !/^#+\s/.test(line))
    .map((line) => line.replace(/^\s*(?:[-*]|\d+\.)\s+/, "").trim())
    .filter((line) => line.length > 0)
    .join(" ")
    .replace(/\*+|__|`/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1");
  let out = "";
  for (const sentence of sentences(text)) {
    const next = `${out} ${sentence}`.trim();
    if (out && next.split(/\s+/).length > maxWords) break;
    out = next;
  }
  return out;
}

function firstName(name: string | undefined): string {
  return name?.trim().split(/\s+/)[0] ?? "there";
}

/**
 * A grounded reply that answers the question asked: greeting, the passage of
 * the article for the ticket's intent, the facts of an order only when the
 * ticket is about one of the customer's orders, and a sign-off. Every fact it
 * states comes from a record the run retrieved, and each record is cited.
 */
export function composeReply(input: {
  customerName?: string;
  articles: ArticleFact[];
  order?: RetrievedOrder;
}): { text: string; citations: Citation[] } {
  const [top] = input.articles;
  const citations: Citation[] = [];
  const paragraphs = [`Hi ${firstName(input.customerName)},`];
  if (top) {
    paragraphs.push(`${articleGist(top.body)} (See “${top.title}”.)`);
    citations.push({ type: "article", slug: top.slug });
  }
  if (input.order) {
    const o = input.order;
    paragraphs.push(
      `About your order ${o.number}: it was placed on ${formatDay(o.placedAt)} for ${formatCents(o.totalCents, o.currency)}, and its status is “${o.status}”.`,
    );
    citations.push({ type: "order", number: o.number });
  }
  paragraphs.push(
    "If anything is unclear, just reply to this message and we will help.",
    "Best regards,\nCountersign Shop support",
  );
  return { text: paragraphs.join("\n\n"), citations };
}
