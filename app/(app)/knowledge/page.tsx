import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { z } from "zod";
import { Snippet } from "@/components/knowledge/snippet";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { listArticles, searchKnowledgeBase } from "@/db/queries/kb";
import { requirePageScope } from "@/lib/auth/guards";
import { roleHasScope } from "@/lib/auth/scopes";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Knowledge base" };

const searchSchema = z.object({ q: z.string().trim().max(200).optional().catch(undefined) });

export default async function KnowledgePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string>>;
}) {
  await connection();
  const user = await requirePageScope("kb:read");
  const canWrite = roleHasScope(user.role, "kb:write");
  const { q } = searchSchema.parse(await searchParams);
  const db = await getDb();
  const [hits, articles] = q
    ? [await searchKnowledgeBase(db, q, 20), []]
    : [[], await listArticles(db, { includeRetired: canWrite })];

  return (
    <section aria-labelledby="kb-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="kb-heading" className="text-xl font-semibold">
          Knowledge base
        </h1>
        {canWrite ? (
          <Link href="/knowledge/new" className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white">
            New article
          </Link>
        ) : null}
      </div>
      <search className="block">
        <form action="/knowledge" className="flex gap-2">
          <label htmlFor="kb-search" className="sr-only">
            Search the knowledge base
          </label>
          <input
            id="kb-search"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="e.g. track my parcel"
            className="w-80 rounded border border-slate-300 px-2 py-1 text-sm"
          />
          <button type="submit" className="rounded border border-slate-300 bg-white px-3 py-1 text-sm">
            Search
          </button>
          {q ? (
            <Link href="/knowledge" className="self-center text-sm text-sky-800 underline">
              All articles
            </Link>
          ) : null}
        </form>
      </search>
      {q ? (
        hits.length === 0 ? (
          <p className="text-slate-600">
            No published article matches “{q}”. Try other words, or fewer of them.
          </p>
        ) : (
          <ol aria-label="Search results" className="space-y-3">
            {hits.map((hit) => (
              <li key={hit.id} className="rounded bg-white p-4 shadow-sm">
                <Link href={`/knowledge/${hit.slug}`} className="font-medium text-sky-800 hover:underline">
                  {hit.title}
                </Link>
                <span className="ml-2 text-xs text-slate-500">rank {hit.rank.toFixed(3)}</span>
                <Snippet text={hit.snippet} />
              </li>
            ))}
          </ol>
        )
      ) : articles.length === 0 ? (
        <p className="text-slate-600">No articles yet.</p>
      ) : (
        <ul aria-label="Articles" className="divide-y divide-slate-100 rounded bg-white shadow-sm">
          {articles.map((a) => (
            <li key={a.id} className="flex flex-wrap items-center gap-2 px-4 py-3">
              <Link href={`/knowledge/${a.slug}`} className="font-medium text-sky-800 hover:underline">
                {a.title}
              </Link>
              {a.status === "retired" ? <Badge tone="warn">retired</Badge> : null}
              {a.tags.map((t) => (
                <Badge key={t}>{t}</Badge>
              ))}
              <span className="ml-auto text-xs text-slate-500">
                revision {a.revision} · {formatDateTime(a.updatedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
