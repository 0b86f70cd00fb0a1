import { tool } from "ai";
import { z } from "zod";
import { getArticlesBySlugs, searchKnowledgeBase } from "@/db/queries/kb";
import type { ToolContext } from "./context";

export const searchKnowledgeBaseInput = z.object({
  query: z.string().min(1).max(500).describe("Words to search the knowledge base for"),
});

export function searchKnowledgeBaseTool(ctx: ToolContext) {
  return tool({
    description:
      "Full-text search of the knowledge base. Returns ranked articles with a highlighted snippet and the body.",
    inputSchema: searchKnowledgeBaseInput,
    execute: async ({ query }) => {
      const hits = await searchKnowledgeBase(ctx.db, query, 5);
      const found = await getArticlesBySlugs(
        ctx.db,
        hits.map((hit) => hit.slug),
      );
      const articles = [];
      for (const hit of hits) {
        const article = found.get(hit.slug);
        if (!article) continue;
        ctx.retrieved.articles.set(hit.slug, { title: article.title, body: article.body });
        articles.push({
          slug: hit.slug,
          title: hit.title,
          tags: article.tags,
          rank: Number(hit.rank.toFixed(4)),
          snippet: hit.snippet,
          body: article.body,
        });
      }
      return { articles };
    },
  });
}
