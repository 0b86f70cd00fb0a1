/** Knowledge-base articles the agent cites, with every saved revision. */
import { sql } from "drizzle-orm";
import { customType, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { users } from "./schema-auth";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const kbArticles = pgTable(
  "kb_articles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull().unique(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    status: text("status", { enum: ["published", "retired"] })
      .notNull()
      .default("published"),
    revision: integer("revision").notNull().default(1),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(body, '')), 'B')`,
    ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("kb_articles_search_idx").using("gin", t.searchVector)],
);

/** Every saved version of an article, so edits can be reviewed and undone. */
export const kbArticleRevisions = pgTable(
  "kb_article_revisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    tags: text("tags").array().notNull(),
    status: text("status").notNull(),
    editedBy: uuid("edited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("kb_article_revisions_article_rev").on(t.articleId, t.revision)],
);
