"use client";

import { type FormEvent, startTransition, useActionState, useState } from "react";
import { createArticleAction, updateArticleAction } from "@/app/(app)/knowledge/actions";
import type { ActionResult } from "@/lib/errors";
import { ArticleBody } from "./article-body";

export interface EditableArticle {
  id: string;
  revision: number;
  slug: string;
  title: string;
  tags: string[];
  body: string;
}

function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-800">
      {errors.join(" ")}
    </p>
  );
}

const input = "mt-1 w-full rounded border border-slate-300 px-2 py-1";

/** Create or edit an article: title, slug (new articles only), tags, Markdown body with a live preview. */
export function ArticleForm({ article }: { article?: EditableArticle }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(
    article ? updateArticleAction : createArticleAction,
    { ok: true },
  );
  const [body, setBody] = useState(article?.body ?? "");
  const [preview, setPreview] = useState(false);
  const errors = state.ok ? undefined : state.fieldErrors;
  // Dispatched by hand, not through <form action>, so a refused save keeps what the admin typed.
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => action(data));
  };

  return (
    <form onSubmit={submit} className="space-y-4 rounded bg-white p-5 shadow-sm" noValidate>
      {article ? (
        <>
          <input type="hidden" name="id" value={article.id} />
          <input type="hidden" name="revision" value={article.revision} />
        </>
      ) : null}
      <div>
        <label htmlFor="article-title" className="block text-sm font-medium">
          Title
        </label>
        <input
          id="article-title"
          name="title"
          required
          maxLength={200}
          defaultValue={article?.title}
          aria-describedby={errors?.title ? "article-title-error" : undefined}
          className={input}
        />
        <FieldError id="article-title-error" errors={errors?.title} />
      </div>
      {article ? (
        <p className="text-sm text-slate-600">
          Slug: <code>{article.slug}</code> (fixed: drafts cite articles by slug)
        </p>
      ) : (
        <div>
          <label htmlFor="article-slug" className="block text-sm font-medium">
            Slug (optional)
          </label>
          <input
            id="article-slug"
            name="slug"
            maxLength={80}
            placeholder="generated from the title when left empty"
            aria-describedby="article-slug-hint"
            className={input}
          />
          <p id="article-slug-hint" className="mt-1 text-xs text-slate-500">
            Lowercase letters, digits and hyphens. It cannot be changed later: drafts cite articles by slug.
          </p>
          <FieldError id="article-slug-error" errors={errors?.slug} />
        </div>
      )}
      <div>
        <label htmlFor="article-tags" className="block text-sm font-medium">
          Tags
        </label>
        <input
          id="article-tags"
          name="tags"
          defaultValue={article?.tags.join(", ")}
          placeholder="shipping, tracking"
          aria-describedby="article-tags-hint"
          className={input}
        />
        <p id="article-tags-hint" className="mt-1 text-xs text-slate-500">
          Separate tags with commas.
        </p>
        <FieldError id="article-tags-error" errors={errors?.tags} />
      </div>
      <div>
        <label htmlFor="article-body" className="block text-sm font-medium">
          Body (Markdown)
        </label>
        <textarea
          id="article-body"
          name="body"
          required
          rows={16}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          aria-describedby={errors?.body ? "article-body-error" : undefined}
          className={`${input} font-mono text-sm`}
        />
        <FieldError id="article-body-error" errors={errors?.body} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
        >
          {pending ? "Saving…" : article ? "Save changes" : "Create article"}
        </button>
        <button
          type="button"
          aria-pressed={preview}
          onClick={() => setPreview((p) => !p)}
          className="rounded border border-slate-300 px-3 py-1.5 text-sm"
        >
          {preview ? "Hide preview" : "Preview"}
        </button>
      </div>
      <p role="status" aria-live="polite" className="text-sm">
        {!pending && state.ok && state.message ? state.message : null}
      </p>
      {!state.ok ? (
        <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      {preview ? (
        <section aria-label="Preview" className="rounded border border-slate-200 p-4">
          <h2 className="text-xs font-medium uppercase text-slate-500">Preview</h2>
          <ArticleBody markdown={body} />
        </section>
      ) : null}
    </form>
  );
}
