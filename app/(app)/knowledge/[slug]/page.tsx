import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import Markdown from "react-markdown";
import { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { getArticleBySlug } from "@/db/queries/kb";
import { requirePageScope } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Knowledge base" };

export default async function ArticlePage({ params }: { params: Promise<{ slug: string }> }) {
  await connection();
  await requirePageScope("kb:read");
  const slug = z
    .string()
    .max(200)
    .regex(/^[a-z0-9-]+$/)
    .safeParse((await params).slug);
  if (!slug.success) notFound();
  const article = await getArticleBySlug(await getDb(), slug.data);
  if (!article) notFound();
  return (
    <article className="mx-auto max-w-3xl rounded bg-white p-6 shadow-sm">
      <h1 className="text-2xl font-semibold">{article.title}</h1>
      <p className="mt-2 flex flex-wrap gap-1">
        {article.tags.map((t) => (
          <Badge key={t}>{t}</Badge>
        ))}
      </p>
      {/* react-markdown renders no raw HTML: article bodies cannot inject markup or script. */}
      <div className="prose mt-4 max-w-none [&_li]:ml-5 [&_ol]:list-decimal [&_p]:my-2 [&_ul]:list-disc">
        <Markdown skipHtml>{article.body}</Markdown>
      </div>
    </article>
  );
}
