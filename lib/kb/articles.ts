import { and, eq, like, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { auditLog, kbArticleRevisions, kbArticles } from "@/db/schema";
import { AppError } from "@/lib/errors";

/**
 * Knowledge-base articles: every save (create, edit, retire, restore) bumps
 * the article's revision and writes the matching kb_article_revisions row in
 * one transaction, guarded by the revision the editor started from, so two
 * admins editing at once cannot overwrite each other silently.
 */

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_SLUG = 80;

export const articleFieldsSchema = z.object({
  title: z
    .string()
    .trim()
    .min(3, "Give the article a title of at least 3 characters.")
    .max(200, "Keep the title under 200 characters."),
  tags: z
    .array(z.string().trim().toLowerCase().min(1).max(40, "Keep each tag under 40 characters."))
    .max(12, "Use at most 12 tags.")
    .transform((tags) => [...new Set(tags)]),
  body: z
    .string()
    .max(100_000, "Keep the body under 100,000 characters; split long articles.")
    .refine((body) => body.trim().length > 0, "Write the article's body (Markdown).")
    .refine((body) => !body.includes("\u0000"), "The body contains a NUL character; remove it."),
});

export const newArticleSchema = articleFieldsSchema.extend({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .max(MAX_SLUG, `Keep the slug under ${MAX_SLUG} characters.`)
    .refine(
      (s) => s === "" || SLUG_PATTERN.test(s),
      "Use lowercase letters, digits and single hyphens in the slug.",
    )
    .optional(),
});

export type ArticleFields = z.infer<typeof articleFieldsSchema>;
export type NewArticle = z.infer<typeof newArticleSchema>;

/** "Tracking your order!" -> "tracking-your-order". */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG)
    .replace(/-+$/, "");
  return slug || "article";
}

/** Tags typed as "shipping, Delivery ,  tracking". */
export function parseTags(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function freeSlug(tx: Tx, base: string): Promise<string> {
  const taken = new Set(
    (
      await tx
        .select({ slug: kbArticles.slug })
        .from(kbArticles)
        .where(or(eq(kbArticles.slug, base), like(kbArticles.slug, `${base}-%`)))
    ).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, MAX_SLUG - String(n).length - 1)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function snapshot(article: typeof kbArticles.$inferSelect, editedBy: string | null) {
  return {
    articleId: article.id,
    revision: article.revision,
    title: article.title,
    body: article.body,
    tags: article.tags,
    status: article.status,
    editedBy,
  };
}

/**
 * Articles seeded or created before history was kept have no row for their
 * current revision: record it before the first change, so history starts
 * from the original text.
 */
async function keepBaseline(tx: Tx, articleId: string): Promise<void> {
  await tx.execute(sql`
    insert into ${kbArticleRevisions} (article_id, revision, title, body, tags, status, edited_by)
    select id, revision, title, body, tags, status, null from ${kbArticles} where id = ${articleId}
    on conflict (article_id, revision) do nothing`);
}

export async function createArticle(db: Db, input: NewArticle, editorId: string | null) {
  const fields = newArticleSchema.parse(input);
  try {
    return await db.transaction(async (tx) => {
      let slug = fields.slug || "";
      if (slug) {
        const [taken] = await tx
          .select({ id: kbArticles.id })
          .from(kbArticles)
          .where(eq(kbArticles.slug, slug));
        if (taken) {
          throw new AppError(
            "conflict:kb_slug",
            `The slug "${slug}" is already used by another article. Choose another, or leave it empty to generate one.`,
          );
        }
      } else slug = await freeSlug(tx, slugify(fields.title));
      const [article] = await tx
        .insert(kbArticles)
        .values({ slug, title: fields.title, body: fields.body, tags: fields.tags })
        .returning();
      if (!article) throw new Error("kb_articles insert returned no row");
      await tx.insert(kbArticleRevisions).values(snapshot(article, editorId));
      await tx.insert(auditLog).values({
        actorId: editorId,
        actorType: editorId ? "user" : "system",
        action: "kb.create",
        entityType: "kb_article",
        entityId: article.id,
        data: { slug, revision: article.revision },
      });
      return article;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("conflict:kb_slug", "Another article took this slug a moment ago. Save again.");
    }
    throw error;
  }
}

async function staleOrMissing(tx: Tx, id: string, expectedRevision: number): Promise<never> {
  const [current] = await tx
    .select({ revision: kbArticles.revision })
    .from(kbArticles)
    .where(eq(kbArticles.id, id));
  if (!current) throw new AppError("not_found:kb_article", "This article no longer exists.");
  throw new AppError(
    "conflict:kb_article",
    `Someone saved this article (revision ${current.revision}) after you opened revision ${expectedRevision}. ` +
      "Reload the page to see their changes, then apply yours again.",
  );
}

/** Saves an edit; `unchanged` when the fields are what is stored already (no new revision). */
export async function updateArticle(
  db: Db,
  input: { id: string; expectedRevision: number } & ArticleFields,
  editorId: string | null,
): Promise<{ article: typeof kbArticles.$inferSelect; unchanged: boolean }> {
  const fields = articleFieldsSchema.parse(input);
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(kbArticles).where(eq(kbArticles.id, input.id));
    if (!current) throw new AppError("not_found:kb_article", "This article no longer exists.");
    if (current.revision !== input.expectedRevision)
      return staleOrMissing(tx, input.id, input.expectedRevision);
    if (
      current.title === fields.title &&
      current.body === fields.body &&
      current.tags.join("\u0001") === fields.tags.join("\u0001")
    ) {
      return { article: current, unchanged: true };
    }
    await keepBaseline(tx, input.id);
    const [article] = await tx
      .update(kbArticles)
      .set({
        title: fields.title,
        body: fields.body,
        tags: fields.tags,
        revision: sql`${kbArticles.revision} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(kbArticles.id, input.id), eq(kbArticles.revision, input.expectedRevision)))
      .returning();
    if (!article) return staleOrMissing(tx, input.id, input.expectedRevision);
    await tx.insert(kbArticleRevisions).values(snapshot(article, editorId));
    await tx.insert(auditLog).values({
      actorId: editorId,
      actorType: editorId ? "user" : "system",
      action: "kb.update",
      entityType: "kb_article",
      entityId: article.id,
      data: { slug: article.slug, revision: article.revision },
    });
    return { article, unchanged: false };
  });
}

/** Retires an article (the agent and reviewers no longer find it) or restores it; a revision like any edit. */
export async function setArticleStatus(
  db: Db,
  input: { id: string; expectedRevision: number; status: "published" | "retired" },
  editorId: string | null,
) {
  return db.transaction(async (tx) => {
    await keepBaseline(tx, input.id);
    const [article] = await tx
      .update(kbArticles)
      .set({ status: input.status, revision: sql`${kbArticles.revision} + 1`, updatedAt: new Date() })
      .where(and(eq(kbArticles.id, input.id), eq(kbArticles.revision, input.expectedRevision)))
      .returning();
    if (!article) return staleOrMissing(tx, input.id, input.expectedRevision);
    await tx.insert(kbArticleRevisions).values(snapshot(article, editorId));
    await tx.insert(auditLog).values({
      actorId: editorId,
      actorType: editorId ? "user" : "system",
      action: input.status === "retired" ? "kb.retire" : "kb.restore",
      entityType: "kb_article",
      entityId: article.id,
      data: { slug: article.slug, revision: article.revision },
    });
    return article;
  });
}
