"use client";

import { useState } from "react";
import { type EvidenceArticle, readEvidenceArticle } from "@/app/(app)/tickets/[id]/evidence-actions";
import { ArticleBody } from "@/components/knowledge/article-body";
import { Dialog } from "@/components/ui/dialog";
import type { Grounding, SentenceSupport } from "@/lib/agent/grounding";

const FIELD_LABEL = {
  status: "status",
  placedAt: "date placed",
  total: "total",
  number: "order number",
} as const;

function SourcePanel({
  support,
  onOpenArticle,
}: {
  support: SentenceSupport | null;
  onOpenArticle: (slug: string) => void;
}) {
  if (!support)
    return <p className="text-slate-600">Hover over or focus a sentence to see what supports it.</p>;
  switch (support.type) {
    case "article":
      return (
        <>
          <p className="text-xs text-slate-600">From the article</p>
          <button
            type="button"
            onClick={() => onOpenArticle(support.slug)}
            className="text-left font-medium text-sky-800 underline"
          >
            {support.title}
          </button>
          <blockquote className="mt-1 border-l-4 border-amber-400 bg-amber-50 p-2 break-words">
            {support.passage}
          </blockquote>
        </>
      );
    case "order":
      return (
        <>
          <p className="text-xs text-slate-600">From the order record</p>
          <a
            href={`#order-${encodeURIComponent(support.number)}`}
            className="font-medium text-sky-800 underline"
          >
            {support.number}
          </a>
          <p className="mt-1 border-l-4 border-amber-400 bg-amber-50 p-2">
            {FIELD_LABEL[support.field]}: {support.value}
          </p>
        </>
      );
    case "not_a_claim":
      return <p className="text-slate-600">A greeting or sign-off: nothing to support.</p>;
    case "unsupported":
      return (
        <p className="font-medium text-red-800">
          Unsupported: nothing the agent retrieved says this. Check it before approving.
        </p>
      );
  }
}

/**
 * A reply draft sentence by sentence: hovering or focusing a sentence shows its
 * source beside it (the passage or the order field); unsupported sentences are
 * marked. Articles open in a dialog, retired ones too, without leaving the ticket.
 */
export function GroundedReply({ text, grounding }: { text: string; grounding?: Grounding }) {
  const [active, setActive] = useState<number | null>(null);
  const [article, setArticle] = useState<{ slug: string; data?: EvidenceArticle; error?: string } | null>(
    null,
  );
  if (!grounding || grounding.sentences.length === 0) {
    return <div className="mt-2 rounded bg-slate-50 p-3 whitespace-pre-wrap break-words">{text}</div>;
  }
  const openArticle = (slug: string) => {
    setArticle({ slug });
    readEvidenceArticle(slug).then((r) =>
      setArticle(r.ok ? { slug, data: r.data } : { slug, error: r.error }),
    );
  };
  const unsupported = grounding.sentences.filter((s) => s.support.type === "unsupported").length;
  const pieces: React.ReactNode[] = [];
  let at = 0;
  grounding.sentences.forEach((s, i) => {
    if (s.start > at) pieces.push(text.slice(at, s.start));
    const kind = s.support.type;
    pieces.push(
      <button
        key={s.start}
        type="button"
        data-support={kind}
        aria-describedby={kind === "unsupported" ? "unsupported-note" : undefined}
        onMouseEnter={() => setActive(i)}
        onFocus={() => setActive(i)}
        onClick={() => setActive(i)}
        className={`inline rounded-sm text-left whitespace-pre-wrap ${active === i ? "bg-amber-200" : "hover:bg-amber-100"} ${kind === "unsupported" ? "underline decoration-red-700 decoration-wavy decoration-2" : ""}`}
      >
        {text.slice(s.start, s.end)}
        {kind === "unsupported" ? <span className="sr-only"> (unsupported)</span> : null}
      </button>,
    );
    at = s.end;
  });
  if (at < text.length) pieces.push(text.slice(at));
  const current = active === null ? null : (grounding.sentences[active]?.support ?? null);
  return (
    <div className="mt-2 grid gap-3 xl:grid-cols-[minmax(0,1fr)_16rem]">
      <div>
        <div className="rounded bg-slate-50 p-3 whitespace-pre-wrap break-words">{pieces}</div>
        <p id="unsupported-note" className="mt-1 text-xs text-slate-700">
          {unsupported > 0
            ? `${unsupported} sentence${unsupported === 1 ? "" : "s"} with no source (underlined in red).`
            : "Every claim has a source."}
        </p>
      </div>
      <aside aria-label="Source" aria-live="polite" className="rounded border border-slate-200 p-3 text-sm">
        <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-700 uppercase">Source</h4>
        <SourcePanel support={current} onOpenArticle={openArticle} />
      </aside>
      <Dialog
        open={article !== null}
        onClose={() => setArticle(null)}
        title={
          article?.data
            ? `${article.data.title}${article.data.retired ? " (retired)" : ""}`
            : (article?.slug ?? "")
        }
      >
        {article?.error ? <p role="alert">{article.error}</p> : null}
        {article?.data ? (
          <ArticleBody markdown={article.data.body} />
        ) : article?.error ? null : (
          <p>Loading…</p>
        )}
      </Dialog>
    </div>
  );
}
