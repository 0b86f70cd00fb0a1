"use client";

import { useActionState } from "react";
import { setArticleStatusAction } from "@/app/(app)/knowledge/actions";
import type { ActionResult } from "@/lib/errors";

/** Retire a published article (the agent stops finding it) or restore a retired one. */
export function ArticleStatusForm({
  id,
  revision,
  status,
}: {
  id: string;
  revision: number;
  status: "published" | "retired";
}) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(setArticleStatusAction, {
    ok: true,
  });
  const retiring = status === "published";
  return (
    <form action={action} className="space-y-2 rounded bg-white p-5 shadow-sm">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="revision" value={revision} />
      <input type="hidden" name="status" value={retiring ? "retired" : "published"} />
      <p className="text-sm text-slate-600">
        {retiring
          ? "Retiring hides the article from search, reviewers and the agent. Its history is kept and it can be restored."
          : "This article is retired. Restoring publishes it again for search, reviewers and the agent."}
      </p>
      <button
        type="submit"
        disabled={pending}
        className={`rounded px-3 py-1.5 text-sm font-medium disabled:opacity-60 ${retiring ? "border border-red-300 text-red-800" : "bg-brand text-white"}`}
      >
        {pending ? "Saving…" : retiring ? "Retire article" : "Restore article"}
      </button>
      {!state.ok ? (
        <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
