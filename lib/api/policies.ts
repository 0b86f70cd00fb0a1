import { getPublishedPolicyRow, listPolicyVersions } from "@/db/queries/policies";
import { discardPolicyDraft, savePolicyDraft } from "@/lib/guardrails/drafts";
import { dryRunPolicyDraft } from "@/lib/guardrails/dry-run";
import { loadRuleFigures } from "@/lib/guardrails/figures";
import {
  discardDraftInput,
  dryRunInput,
  parseInput,
  publishInput,
  rollbackInput,
  saveDraftInput,
} from "@/lib/guardrails/inputs";
import { publishPolicyDraft, rollbackPolicyVersion } from "@/lib/guardrails/publish";
import { defineRoute } from "@/lib/http/route";

const spec = { scope: "policies:write" } as const;

/** GET /api/v1/policies: the policy versions and the published one's rules (admins). */
export const listPoliciesRoute = defineRoute(spec, async ({ db }) => {
  const [published, versions] = await Promise.all([getPublishedPolicyRow(db), listPolicyVersions(db)]);
  return Response.json({ published, versions });
});

/** GET /api/v1/policies/figures: per-rule figures over all recorded runs. */
export const policyFiguresRoute = defineRoute(spec, async ({ db }) => {
  const figures = await loadRuleFigures(db);
  return Response.json({ rules: [...figures.values()] });
});

/** PUT /api/v1/policies/draft: saves the draft (creates it when the body has no draftId). */
export const saveDraftRoute = defineRoute(spec, async ({ body, principal, db }) => {
  const input = parseInput(saveDraftInput, await body());
  const saved = await savePolicyDraft(db, principal, input);
  return Response.json(saved, { status: saved.created ? 201 : 200 });
});

/** DELETE /api/v1/policies/draft: discards the draft named in the body. */
export const discardDraftRoute = defineRoute(spec, async ({ body, principal, db }) => {
  const { draftId } = parseInput(discardDraftInput, await body());
  return Response.json(await discardPolicyDraft(db, principal, draftId));
});

/** POST /api/v1/policies/draft/dry-run: replays the last `limit` decided runs under the draft. */
export const dryRunRoute = defineRoute(spec, async ({ body, db }) => {
  const { draftId, limit } = parseInput(dryRunInput, await body());
  return Response.json(await dryRunPolicyDraft(db, draftId, limit));
});

/** POST /api/v1/policies/publish: 409 when another version went live first. */
export const publishRoute = defineRoute(spec, async ({ body, principal, db }) => {
  const input = parseInput(publishInput, await body());
  return Response.json(await publishPolicyDraft(db, principal, input));
});

/** POST /api/v1/policies/rollback: publishes a copy of an earlier version as a new version. */
export const rollbackRoute = defineRoute(spec, async ({ body, principal, db }) => {
  const input = parseInput(rollbackInput, await body());
  return Response.json(await rollbackPolicyVersion(db, principal, input));
});
