import type { Metadata } from "next";
import { connection } from "next/server";
import { ArticleForm } from "@/components/knowledge/article-form";
import { requirePageScope } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "New article" };

export default async function NewArticlePage() {
  await connection();
  await requirePageScope("kb:write");
  return (
    <section aria-labelledby="new-article-heading" className="mx-auto max-w-3xl space-y-4">
      <h1 id="new-article-heading" className="text-xl font-semibold">
        New article
      </h1>
      <ArticleForm />
    </section>
  );
}
