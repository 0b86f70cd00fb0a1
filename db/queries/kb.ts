import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../client";
import { kbArticleRevisions, kbArticles, users } from "../schema";

export interface KbSearchHit {
  id: string;
  slug: string;
  title: string;
  rank: number;
  snippet: string;
}

/** Words to search for: letters and digits only, so no user input reaches tsquery syntax. */
export function searchTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length > 1))].slice(0, 32);
}

/**
 * Full-text search over published articles: any of the words may match
 * (OR), ranked by cover density so articles matching more of them, closer
 * together and in the title, come first; snippets highlight the matches.
 */
export async function searchKnowledgeBase(db: Db, query: string, limit = 5): Promise<KbSearchHit[]> {
  return searchArticles<KbSearchHit>(db, query, limit, sql``);
}

export interface KbSearchHitWithBody extends KbSearchHit {
  body: string;
  tags: string[];
}

/** The same search, with each article's body and tags in the same statement (the agent's tool reads them). */
export async function searchKnowledgeBaseWithBodies(
  db: Db,
  query: string,
  limit = 5,
): Promise<KbSearchHitWithBody[]> {
  return searchArticles<KbSearchHitWithBody>(db, query, limit, sql`, a.body, a.tags`);
}

async function searchArticles<T extends KbSearchHit>(
  db: Db,
  query: string,
  limit: number,
  more: SQL,
): Promise<T[]> {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  // plainto_tsquery per word drops stop words and stems; joined with OR.
  const tsquery = sql.join(
    terms.map((t) => sql`plainto_tsquery('english', ${t})`),
    sql` || `,
  );
  const result = await db.execute(sql`
    with q as (select (${tsquery}) as query)
    select a.id, a.slug, a.title,
           ts_rank_cd(a.search_vector, q.query, 1)::float8 as rank,
           ts_headline('english', a.body, q.query, 'MaxWords=30, MinWords=12, MaxFragments=1, StartSel=<<, StopSel=>>') as snippet${more}
    from ${kbArticles} a, q
    where a.status = 'published' and numnode(q.query) > 0 and a.search_vector @@ q.query
    order by rank desc, a.slug
    limit ${limit}`);
  return rowsOf<T>(result).map((r) => ({ ...r, rank: Number(r.rank) }));
}

export async function getArticleBySlug(db: Db, slug: string) {
  const [article] = await db
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.slug, slug), eq(kbArticles.status, "published")))
    .limit(1);
  return article ?? null;
}

/** The published articles of `slugs`, by slug, in one query. */
export async function getArticlesBySlugs(db: Db, slugs: string[]) {
  if (slugs.length === 0) return new Map<string, typeof kbArticles.$inferSelect>();
  const rows = await db
    .select()
    .from(kbArticles)
    .where(and(inArray(kbArticles.slug, slugs), eq(kbArticles.status, "published")));
  return new Map(rows.map((row) => [row.slug, row]));
}

/** Any article by slug, retired ones included (for admins and the editor). */
export async function getArticleBySlugAnyStatus(db: Db, slug: string) {
  const [article] = await db.select().from(kbArticles).where(eq(kbArticles.slug, slug)).limit(1);
  return article ?? null;
}

/** The article list, by title: published ones, plus retired ones when asked (admins). */
export async function listArticles(db: Db, options: { includeRetired?: boolean } = {}) {
  return db
    .select({
      id: kbArticles.id,
      slug: kbArticles.slug,
      title: kbArticles.title,
      tags: kbArticles.tags,
      status: kbArticles.status,
      revision: kbArticles.revision,
      updatedAt: kbArticles.updatedAt,
    })
    .from(kbArticles)
    .where(options.includeRetired ? undefined : eq(kbArticles.status, "published"))
    .orderBy(asc(kbArticles.title), asc(kbArticles.slug))
    .limit(1000);
}

/** Every saved version of an article, newest first, with who saved it. */
export async function listArticleRevisions(db: Db, articleId: string) {
  return db
    .select({
      revision: kbArticleRevisions.revision,
      title: kbArticleRevisions.title,
      body: kbArticleRevisions.body,
      tags: kbArticleRevisions.tags,
      status: kbArticleRevisions.status,
      createdAt: kbArticleRevisions.createdAt,
      editor: users.name,
    })
    .from(kbArticleRevisions)
    .leftJoin(users, eq(users.id, kbArticleRevisions.editedBy))
    .where(eq(kbArticleRevisions.articleId, articleId))
    .orderBy(desc(kbArticleRevisions.revision));
}
