import { getDb } from "@/db";
import { withScope } from "@/lib/auth/route";
import { loadRuleFigures } from "@/lib/guardrails/figures";

export const dynamic = "force-dynamic";

/** Per-rule figures over all recorded runs: fired, blocks, forced escalations, reviewer overrides. */
export const GET = withScope("policies:write", async () => {
  const figures = await loadRuleFigures(await getDb());
  return Response.json({ rules: [...figures.values()] });
});
