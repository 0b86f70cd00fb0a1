import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { z } from "zod";
import { ArticleBody } from "@/components/knowledge/article-body";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { getArticleBySlug, getArticleBySlugAnyStatus, listArticleRevisions } from "@/db/queries/kb";
import { requirePageScope } from "@/lib/auth/guards";
import { roleHasScope } from "@/lib/auth/scopes";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Knowledge base" };

export default async function ArticlePage({ params }: { params: Promise<{ slug: string }> }) {
  await connection();
  const user = await requirePageScope("kb:read");
  const canWrite = roleHasScope(user.role, "kb:write");
  const slug = z
    .string()
    .max(200)
    .regex(/^[a-z0-9-]+$/)
    .safeParse((await params).slug);
  if (!slug.success) notFound();
  const db = await getDb();
  // Retired articles are gone for reviewers (and the agent); admins can still open and restore them.
  const article = canWrite
    ? await getArticleBySlugAnyStatus(db, slug.data)
    : await getArticleBySlug(db, slug.data);
  if (!article) notFound();
  const revisions = await listArticleRevisions(db, article.id);
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <article aria-labelledby="article-title" className="rounded bg-white p-6 shadow-sm">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <h1 id="article-title" className="text-2xl font-semibold">
            {article.title}
          </h1>
          {canWrite ? (
            <Link
              href={`/knowledge/${article.slug}/edit`}
              className="rounded border border-slate-300 px-3 py-1 text-sm"
            >
              Edit article
            </Link>
          ) : null}
        </div>
        {article.status === "retired" ? (
          <p role="note" className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Retired: search, reviewers and the agent no longer see this article. Edit it to restore it.
          </p>
        ) : null}
        <p className="mt-2 flex flex-wrap gap-1">
          {article.tags.map((t) => (
            <Badge key={t}>{t}</Badge>
          ))}
        </p>
        <div className="mt-4">
          <ArticleBody markdown={article.body} />
        </div>
        <p className="mt-4 text-xs text-slate-500">
          Revision {article.revision}, updated {formatDateTime(article.updatedAt)}
        </p>
      </article>
      <section aria-labelledby="history-heading" className="rounded bg-white p-6 shadow-sm">
        <h2 id="history-heading" className="text-lg font-semibold">
          History
        </h2>
        {revisions.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">
            This article has not been edited since it was imported.
          </p>
        ) : (
          <ol className="mt-2 space-y-2 text-sm">
            {revisions.map((r) => (
              <li key={r.revision} className="rounded border border-slate-200 p-3">
                <details>
                  <summary className="cursor-pointer">
                    Revision {r.revision} · {formatDateTime(r.createdAt)} · {r.editor ?? "original"}
                    {r.status === "retired" ? " · retired" : ""}
                  </summary>
                  <div className="mt-2 border-t border-slate-100 pt-2">
                    <p className="font-medium">{r.title}</p>
                    <ArticleBody markdown={r.body} />
                  </div>
                </details>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
