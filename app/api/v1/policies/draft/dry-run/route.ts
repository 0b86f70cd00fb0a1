import { getDb } from "@/db";
import { withScope } from "@/lib/auth/route";
import { dryRunPolicyDraft } from "@/lib/guardrails/dry-run";
import { dryRunInput, parseInput, readJsonBody } from "@/lib/guardrails/inputs";

export const dynamic = "force-dynamic";

/** Replays the last `limit` (default 500) decided runs under the draft and reports what would change. */
export const POST = withScope("policies:write", async (request) => {
  const { draftId, limit } = parseInput(dryRunInput, await readJsonBody(request));
  return Response.json(await dryRunPolicyDraft(await getDb(), draftId, limit));
});
