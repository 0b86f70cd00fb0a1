"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, actionError } from "@/lib/errors";
import {
  articleFieldsSchema,
  createArticle,
  newArticleSchema,
  parseTags,
  setArticleStatus,
  updateArticle,
} from "@/lib/kb/articles";

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

const articleRef = z.object({
  id: z.uuid("This article id is not valid; reload the page."),
  expectedRevision: z.coerce.number().int().positive("The revision is missing; reload the page."),
});

function invalid(error: z.ZodError): ActionResult<never> {
  return {
    ok: false,
    error: error.issues[0]?.message ?? "Check the form.",
    fieldErrors: z.flattenError(error).fieldErrors as Record<string, string[]>,
  };
}

/** "Create article": admins only; the new article's first revision is recorded with it. */
export async function createArticleAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  let slug: string;
  try {
    const user = await requireScope("kb:write");
    const parsed = newArticleSchema.safeParse({
      title: text(form, "title"),
      slug: text(form, "slug"),
      tags: parseTags(text(form, "tags")),
      body: text(form, "body"),
    });
    if (!parsed.success) return invalid(parsed.error);
    slug = (await createArticle(await getDb(), parsed.data, user.id)).slug;
    revalidatePath("/knowledge");
  } catch (error) {
    return actionError(error);
  }
  redirect(`/knowledge/${slug}`);
}

/** "Save changes": a new revision, refused if someone saved since the editor opened the article. */
export async function updateArticleAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  let slug: string;
  try {
    const user = await requireScope("kb:write");
    const ref = articleRef.safeParse({ id: text(form, "id"), expectedRevision: text(form, "revision") });
    if (!ref.success) return invalid(ref.error);
    const fields = articleFieldsSchema.safeParse({
      title: text(form, "title"),
      tags: parseTags(text(form, "tags")),
      body: text(form, "body"),
    });
    if (!fields.success) return invalid(fields.error);
    const { article, unchanged } = await updateArticle(
      await getDb(),
      { ...ref.data, ...fields.data },
      user.id,
    );
    if (unchanged) return { ok: true, message: "Nothing changed, so no new revision was saved." };
    slug = article.slug;
    revalidatePath("/knowledge");
    revalidatePath(`/knowledge/${slug}`);
  } catch (error) {
    return actionError(error);
  }
  redirect(`/knowledge/${slug}`);
}

/** "Retire article" / "Restore article". */
export async function setArticleStatusAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  let slug: string;
  try {
    const user = await requireScope("kb:write");
    const parsed = articleRef
      .extend({ status: z.enum(["published", "retired"], "Choose retire or restore.") })
      .safeParse({
        id: text(form, "id"),
        expectedRevision: text(form, "revision"),
        status: text(form, "status"),
      });
    if (!parsed.success) return invalid(parsed.error);
    slug = (await setArticleStatus(await getDb(), parsed.data, user.id)).slug;
    revalidatePath("/knowledge");
    revalidatePath(`/knowledge/${slug}`);
  } catch (error) {
    return actionError(error);
  }
  redirect(`/knowledge/${slug}`);
}
