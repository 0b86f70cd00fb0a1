import { getDb } from "@/db";
import { withScope } from "@/lib/auth/route";
import { parseInput, readJsonBody, rollbackInput } from "@/lib/guardrails/inputs";
import { rollbackPolicyVersion } from "@/lib/guardrails/publish";

export const dynamic = "force-dynamic";

/** Publishes a copy of an earlier version as a new version. */
export const POST = withScope("policies:write", async (request, user) => {
  const input = parseInput(rollbackInput, await readJsonBody(request));
  return Response.json(await rollbackPolicyVersion(await getDb(), user, input));
});
