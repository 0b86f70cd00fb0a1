"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { getArticleBySlugAnyStatus } from "@/db/queries/kb";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";

export interface EvidenceArticle {
  slug: string;
  title: string;
  body: string;
  retired: boolean;
}

/**
 * An article a draft cites or rests on, for the side panel on the ticket:
 * retired ones too, since the reviewer must see what the agent relied on.
 */
export async function readEvidenceArticle(slug: string): Promise<ActionResult<EvidenceArticle>> {
  try {
    await requireScope("kb:read");
    const parsed = z.string().trim().min(1).max(200).safeParse(slug);
    if (!parsed.success) return { ok: false, error: "This article name is not valid." };
    const article = await getArticleBySlugAnyStatus(await getDb(), parsed.data);
    if (!article)
      return { ok: false, error: `No article "${parsed.data}" exists any more: it may have been deleted.` };
    return {
      ok: true,
      data: {
        slug: article.slug,
        title: article.title,
        body: article.body,
        retired: article.status === "retired",
      },
    };
  } catch (error) {
    return actionError(error);
  }
}
