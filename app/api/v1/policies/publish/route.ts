import { getDb } from "@/db";
import { withScope } from "@/lib/auth/route";
import { parseInput, publishInput, readJsonBody } from "@/lib/guardrails/inputs";
import { publishPolicyDraft } from "@/lib/guardrails/publish";

export const dynamic = "force-dynamic";

/** Publishes the draft: 409 when another version went live first (pass expectedPublishedId to be sure). */
export const POST = withScope("policies:write", async (request, user) => {
  const input = parseInput(publishInput, await readJsonBody(request));
  return Response.json(await publishPolicyDraft(await getDb(), user, input));
});
