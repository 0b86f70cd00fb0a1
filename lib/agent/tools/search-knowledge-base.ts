import { tool } from "ai";
import { z } from "zod";
import { searchKnowledgeBaseWithBodies } from "@/db/queries/kb";
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
      // One statement: the ranked hits carry their bodies and tags.
      const hits = await searchKnowledgeBaseWithBodies(ctx.db, query, 5);
      const articles = [];
      for (const hit of hits) {
        ctx.retrieved.articles.set(hit.slug, { title: hit.title, body: hit.body });
        articles.push({
          slug: hit.slug,
          title: hit.title,
          tags: hit.tags,
          rank: Number(hit.rank.toFixed(4)),
          snippet: hit.snippet,
          body: hit.body,
        });
      }
      return { articles };
    },
  });
}
