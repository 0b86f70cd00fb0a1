import { getDb } from "@/db";
import { withScope } from "@/lib/auth/route";
import { discardPolicyDraft, savePolicyDraft } from "@/lib/guardrails/drafts";
import { discardDraftInput, parseInput, readJsonBody, saveDraftInput } from "@/lib/guardrails/inputs";

export const dynamic = "force-dynamic";

/** Saves the draft (creates it when the body has no draftId): 400 with every problem when it does not validate. */
export const PUT = withScope("policies:write", async (request, user) => {
  const input = parseInput(saveDraftInput, await readJsonBody(request));
  const saved = await savePolicyDraft(await getDb(), user, input);
  return Response.json(saved, { status: saved.created ? 201 : 200 });
});

/** Discards the draft named in the body. */
export const DELETE = withScope("policies:write", async (request, user) => {
  const { draftId } = parseInput(discardDraftInput, await readJsonBody(request));
  return Response.json(await discardPolicyDraft(await getDb(), user, draftId));
});
