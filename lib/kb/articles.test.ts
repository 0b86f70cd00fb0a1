import { readFile } from "node:fs/promises";
import { eq } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArticleBody } from "@/components/knowledge/article-body";
import {
  getArticleBySlug,
  getArticleBySlugAnyStatus,
  listArticleRevisions,
  listArticles,
  searchKnowledgeBase,
} from "@/db/queries/kb";
import { auditLog, kbArticleRevisions, kbArticles, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { createArticle, parseTags, setArticleStatus, slugify, updateArticle } from "./articles";
import { snippetParts } from "./highlight";

describe("slugify and parseTags", () => {
  it("makes URL-safe slugs and clean tag lists", () => {
    expect(slugify("Tracking your order!")).toBe("tracking-your-order");
    expect(slugify("  Crème brûlée — FAQ  ")).toBe("creme-brulee-faq");
    expect(slugify("!!!")).toBe("article");
    expect(slugify("a".repeat(100))).toHaveLength(80);
    expect(parseTags(" shipping, Delivery ,, tracking ")).toEqual(["shipping", "Delivery", "tracking"]);
  });
});

describe("snippetParts", () => {
  it("turns << >> markers into highlighted parts without ever producing markup", () => {
    expect(snippetParts("Reset your <<password>> from the **sign in** page")).toEqual([
      { text: "Reset your ", match: false },
      { text: "password", match: true },
      { text: " from the sign in page", match: false },
    ]);
    expect(snippetParts("<<a>><<b>> <script>x</script> >> << open")).toEqual([
      { text: "ab", match: true },
      { text: " <script>x</script> >> << open", match: false },
    ]);
  });
});

describe("ArticleBody", () => {
  it("renders Markdown but no raw HTML, script or javascript: links", () => {
    const html = renderToStaticMarkup(
      createElement(ArticleBody, {
        markdown:
          "# Title\n\nSome **bold** text.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n" +
          "[click](javascript:alert(1)) [ok](https://example.com)\n\n<div onclick='x'>raw</div>",
      }),
    );
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('href="https://example.com"');
    expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<img|<div onclick/i);
  });
});

describe.each(availableDrivers())("knowledge-base articles on %s", (driver) => {
  let handle: TestDatabase;
  let adminId: string;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    const articles = JSON.parse(await readFile("data/kb/shop-policies.json", "utf8")) as {
      slug: string;
      title: string;
      body: string;
      tags: string[];
    }[];
    await handle.db.insert(kbArticles).values(articles);
    const [admin] = await handle.db
      .insert(users)
      .values({ email: "admin@example.com", name: "Avery Admin", passwordHash: "x", role: "admin" })
      .returning({ id: users.id });
    adminId = admin!.id;
  });
  afterAll(() => handle?.destroy());

  it("creates an article with a generated, unique slug and its first revision", async () => {
    const input = { title: "Gift wrapping", tags: ["gifts"], body: "We wrap **gifts** for free." };
    const first = await createArticle(handle.db, input, adminId);
    const second = await createArticle(handle.db, input, adminId);
    expect(first.slug).toBe("gift-wrapping");
    expect(second.slug).toBe("gift-wrapping-2");
    expect(first.revision).toBe(1);
    expect(await listArticleRevisions(handle.db, first.id)).toMatchObject([
      { revision: 1, title: "Gift wrapping", editor: "Avery Admin", status: "published" },
    ]);
    const audit = await handle.db.select().from(auditLog).where(eq(auditLog.entityId, first.id));
    expect(audit.map((a) => a.action)).toEqual(["kb.create"]);
    await expect(createArticle(handle.db, { ...input, slug: "gift-wrapping" }, adminId)).rejects.toThrow(
      /already used/,
    );
  });

  it("keeps the original text, bumps the revision and makes the edit searchable at once", async () => {
    const original = await getArticleBySlug(handle.db, "tracking-your-order");
    expect(original?.revision).toBe(1);
    const sentence = "Parcels sent with Zephyrine Express show live courier maps on the tracking page.";
    const { article, unchanged } = await updateArticle(
      handle.db,
      {
        id: original!.id,
        expectedRevision: 1,
        title: original!.title,
        tags: original!.tags,
        body: `${sentence}\n\n${original!.body}`,
      },
      adminId,
    );
    expect(unchanged).toBe(false);
    expect(article.revision).toBe(2);
    const history = await listArticleRevisions(handle.db, original!.id);
    expect(history.map((h) => [h.revision, h.editor])).toEqual([
      [2, "Avery Admin"],
      [1, null],
    ]);
    expect(history[1]?.body).toBe(original!.body);
    const [hit] = await searchKnowledgeBase(handle.db, "zephyrine courier");
    expect(hit?.slug).toBe("tracking-your-order");
    expect(hit?.snippet).toMatch(/<<Zephyrine>>/);
  });

  it("saves nothing when nothing changed", async () => {
    const article = (await getArticleBySlug(handle.db, "newsletter"))!;
    const result = await updateArticle(
      handle.db,
      {
        id: article.id,
        expectedRevision: article.revision,
        title: article.title,
        tags: article.tags,
        body: article.body,
      },
      adminId,
    );
    expect(result.unchanged).toBe(true);
    expect(await listArticleRevisions(handle.db, article.id)).toEqual([]);
  });

  it("refuses an edit based on a stale revision, and lets exactly one of two parallel edits win", async () => {
    const article = (await getArticleBySlug(handle.db, "invoices"))!;
    const edit = (body: string) =>
      updateArticle(
        handle.db,
        {
          id: article.id,
          expectedRevision: article.revision,
          title: article.title,
          tags: article.tags,
          body,
        },
        adminId,
      );
    const results = await Promise.allSettled([edit("First version."), edit("Second version.")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(AppError);
    expect((refused.reason as AppError).code).toBe("conflict:kb_article");
    expect((refused.reason as AppError).message).toMatch(/Reload the page/);
    const revisions = await handle.db
      .select()
      .from(kbArticleRevisions)
      .where(eq(kbArticleRevisions.articleId, article.id));
    expect(revisions.map((r) => r.revision).sort()).toEqual([1, 2]);
  });

  it("retires an article out of search and lists, and restores it, each as a revision", async () => {
    const article = (await getArticleBySlug(handle.db, "recovering-your-password"))!;
    const retired = await setArticleStatus(
      handle.db,
      { id: article.id, expectedRevision: article.revision, status: "retired" },
      adminId,
    );
    expect(retired.status).toBe("retired");
    expect((await searchKnowledgeBase(handle.db, "reset password")).map((h) => h.slug)).not.toContain(
      "recovering-your-password",
    );
    expect(await getArticleBySlug(handle.db, "recovering-your-password")).toBeNull();
    expect((await getArticleBySlugAnyStatus(handle.db, "recovering-your-password"))?.status).toBe("retired");
    expect((await listArticles(handle.db)).map((a) => a.slug)).not.toContain("recovering-your-password");
    expect((await listArticles(handle.db, { includeRetired: true })).map((a) => a.slug)).toContain(
      "recovering-your-password",
    );
    await expect(
      setArticleStatus(
        handle.db,
        { id: article.id, expectedRevision: article.revision, status: "published" },
        adminId,
      ),
    ).rejects.toThrow(/Reload the page/);
    const restored = await setArticleStatus(
      handle.db,
      { id: article.id, expectedRevision: retired.revision, status: "published" },
      adminId,
    );
    expect(restored.revision).toBe(3);
    expect((await searchKnowledgeBase(handle.db, "reset password"))[0]?.slug).toBe(
      "recovering-your-password",
    );
    expect((await listArticleRevisions(handle.db, article.id)).map((r) => r.status)).toEqual([
      "published",
      "retired",
      "published",
    ]);
  });
});
