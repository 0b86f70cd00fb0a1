import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { z } from "zod";
import { ArticleForm } from "@/components/knowledge/article-form";
import { ArticleStatusForm } from "@/components/knowledge/article-status-form";
import { getDb } from "@/db";
import { getArticleBySlugAnyStatus } from "@/db/queries/kb";
import { requirePageScope } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Edit article" };

export default async function EditArticlePage({ params }: { params: Promise<{ slug: string }> }) {
  await connection();
  await requirePageScope("kb:write");
  const slug = z
    .string()
    .max(200)
    .regex(/^[a-z0-9-]+$/)
    .safeParse((await params).slug);
  if (!slug.success) notFound();
  const article = await getArticleBySlugAnyStatus(await getDb(), slug.data);
  if (!article) notFound();
  return (
    <section aria-labelledby="edit-article-heading" className="mx-auto max-w-3xl space-y-4">
      <div className="flex items-baseline justify-between gap-3">
        <h1 id="edit-article-heading" className="text-xl font-semibold">
          Edit “{article.title}”
        </h1>
        <Link href={`/knowledge/${article.slug}`} className="text-sm text-sky-800 underline">
          Back to the article
        </Link>
      </div>
      <p className="text-sm text-slate-600">
        Editing revision {article.revision}. Saving creates revision {article.revision + 1}; every revision is
        kept.
      </p>
      <ArticleForm
        article={{
          id: article.id,
          revision: article.revision,
          slug: article.slug,
          title: article.title,
          tags: article.tags,
          body: article.body,
        }}
      />
      <ArticleStatusForm id={article.id} revision={article.revision} status={article.status} />
    </section>
  );
}
