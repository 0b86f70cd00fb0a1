"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { requireScope } from "@/lib/auth/guards";
import { type ActionResult, AppError, actionError } from "@/lib/errors";
import { discardPolicyDraft, type SavedDraft, savePolicyDraft } from "@/lib/guardrails/drafts";
import { type DryRunResult, dryRunPolicyDraft } from "@/lib/guardrails/dry-run";
import {
  discardDraftInput,
  dryRunInput,
  parseInput,
  publishInput,
  rollbackInput,
  saveDraftInput,
} from "@/lib/guardrails/inputs";
import { type PublishOutcome, publishPolicyDraft, rollbackPolicyVersion } from "@/lib/guardrails/publish";
import type { DraftIssue } from "@/lib/guardrails/validate";

// Every action is a public POST endpoint: each checks the caller's scope itself (a reviewer gets the
// 403 message whatever the client sends) before it parses the input with zod.

/** A refusal the editor can show next to the field it is about. */
function refusal(error: unknown): ActionResult<never> {
  if (error instanceof AppError && Array.isArray(error.details?.issues)) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of error.details.issues as DraftIssue[]) {
      const list = fieldErrors[issue.path] ?? [];
      list.push(issue.message);
      fieldErrors[issue.path] = list;
    }
    return { ok: false, error: error.message, fieldErrors };
  }
  return actionError(error);
}

export async function savePolicyDraftAction(input: unknown): Promise<ActionResult<SavedDraft>> {
  try {
    const user = await requireScope("policies:write");
    const saved = await savePolicyDraft(await getDb(), user, parseInput(saveDraftInput, input));
    revalidatePath("/policies");
    return { ok: true, data: saved, message: `Draft version ${saved.version} saved.` };
  } catch (error) {
    return refusal(error);
  }
}

export async function discardPolicyDraftAction(input: unknown): Promise<ActionResult> {
  try {
    const user = await requireScope("policies:write");
    const { draftId } = parseInput(discardDraftInput, input);
    const gone = await discardPolicyDraft(await getDb(), user, draftId);
    revalidatePath("/policies");
    return { ok: true, message: `Draft version ${gone.version} discarded.` };
  } catch (error) {
    return refusal(error);
  }
}

export async function dryRunPolicyDraftAction(input: unknown): Promise<ActionResult<DryRunResult>> {
  try {
    await requireScope("policies:write");
    const { draftId, limit } = parseInput(dryRunInput, input);
    return { ok: true, data: await dryRunPolicyDraft(await getDb(), draftId, limit) };
  } catch (error) {
    return refusal(error);
  }
}

export async function publishPolicyDraftAction(input: unknown): Promise<ActionResult<PublishOutcome>> {
  try {
    const user = await requireScope("policies:write");
    const outcome = await publishPolicyDraft(await getDb(), user, parseInput(publishInput, input));
    revalidatePath("/policies");
    return {
      ok: true,
      data: outcome,
      message: `Version ${outcome.version} is published: new runs use it${outcome.retiredVersion ? `; version ${outcome.retiredVersion} is retired` : ""}.`,
    };
  } catch (error) {
    return refusal(error);
  }
}

export async function rollbackPolicyVersionAction(input: unknown): Promise<ActionResult<PublishOutcome>> {
  try {
    const user = await requireScope("policies:write");
    const outcome = await rollbackPolicyVersion(await getDb(), user, parseInput(rollbackInput, input));
    revalidatePath("/policies");
    return {
      ok: true,
      data: outcome,
      message: `Rolled back: version ${outcome.version}, a copy of version ${outcome.fromVersion}, is published.`,
    };
  } catch (error) {
    return refusal(error);
  }
}
