import { formatCents } from "@/lib/format";
import { formatDay } from "../facts";
import type { Citation, RetrievedOrder } from "../types";

export interface ArticleFact {
  slug: string;
  title: string;
  body: string;
  rank: number;
  tags?: string[];
}

/** The first sentences of an article, without Markdown syntax, up to about `maxWords` words. */
export function articleGist(body: string, maxWords = 70): string {
  const text = body
    .split("\n")
    .map((line) =>
      line
        .replace(/^#+\s*/, "")
        .replace(/^\s*(?:[-*]|\d+\.)\s+/, "")
        .trim(),
    )
    .filter((line) => line.length > 0)
    .join(" ")
    .replace(/\*+|__|`/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1");
  const sentences = text.match(/[^.!?]+[.!?]+/g) ?? [text];
  let out = "";
  for (const sentence of sentences) {
    const next = `${out} ${sentence.trim()}`.trim();
    if (out && next.split(/\s+/).length > maxWords) break;
    out = next;
  }
  return out;
}

function firstName(name: string | undefined): string {
  return name?.trim().split(/\s+/)[0] ?? "there";
}

/**
 * A grounded reply: greeting, what the cited article says, the facts of the
 * order the customer asked about, and a sign-off. Every fact it states comes
 * from a record the run retrieved, and each record is cited.
 */
export function composeReply(input: {
  customerName?: string;
  subject: string;
  articles: ArticleFact[];
  order?: RetrievedOrder;
  safe?: boolean;
}): { text: string; citations: Citation[] } {
  const [top, second] = input.articles;
  const citations: Citation[] = [];
  const paragraphs = [
    `Hi ${firstName(input.customerName)},`,
    // The customer's subject is not echoed: customer text reaches a draft only as visible quotation.
    "Thank you for contacting Countersign Shop.",
  ];
  if (top) {
    paragraphs.push(`${articleGist(top.body)} (See “${top.title}”.)`);
    citations.push({ type: "article", slug: top.slug });
  }
  if (!input.safe && second && top && second.rank >= top.rank * 0.8) {
    paragraphs.push(`You may also find “${second.title}” helpful: ${articleGist(second.body, 30)}`);
    citations.push({ type: "article", slug: second.slug });
  }
  if (!input.safe && input.order) {
    const o = input.order;
    paragraphs.push(
      `I can see your order ${o.number}, placed on ${formatDay(o.placedAt)} for ${formatCents(o.totalCents, o.currency)}; its status is currently “${o.status}”.`,
    );
    citations.push({ type: "order", number: o.number });
  }
  paragraphs.push(
    "If anything is unclear, just reply to this message and we will help.",
    "Best regards,\nCountersign Shop support",
  );
  return { text: paragraphs.join("\n\n"), citations };
}
