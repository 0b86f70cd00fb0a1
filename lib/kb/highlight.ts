export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * Splits a search snippet (`searchKnowledgeBase` marks matches with << and >>)
 * into plain-text parts, so the page renders <mark> elements from data and
 * never parses the article's text as HTML. Markdown emphasis and heading
 * markers are dropped for readability; an unmatched marker stays as text.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const push = (text: string, match: boolean) => {
    const clean = text.replace(/\*+|__|`|^#+\s*/gm, "");
    if (!clean) return;
    const last = parts.at(-1);
    if (last && last.match === match) last.text += clean;
    else parts.push({ text: clean, match });
  };
  let rest = snippet;
  while (rest.length > 0) {
    const open = rest.indexOf("<<");
    if (open < 0) break;
    const close = rest.indexOf(">>", open + 2);
    if (close < 0) break;
    push(rest.slice(0, open), false);
    push(rest.slice(open + 2, close), true);
    rest = rest.slice(close + 2);
  }
  push(rest, false);
  return parts;
}
