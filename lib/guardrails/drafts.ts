import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { recordAudit } from "@/db/queries/audit";
import { policyVersions } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { invalidDraft, type SaveDraftInput } from "./inputs";
import { inPolicyTransaction } from "./policy-lock";
import { checkDraft } from "./validate";

export interface Actor {
  id: string;
}

export interface SavedDraft {
  id: string;
  version: number;
  created: boolean;
}

/**
 * Saves the one draft: creates it (numbered after every existing version) or
 * updates it in place. Refuses rules that do not validate or contradict each
 * other, a draft identical to the published version, and a save that would
 * overwrite a draft other than the one the editor was opened on.
 */
export async function savePolicyDraft(db: Db, actor: Actor, input: SaveDraftInput): Promise<SavedDraft> {
  try {
    return await inPolicyTransaction(db, async (tx) => {
      const [published] = await tx
        .select()
        .from(policyVersions)
        .where(eq(policyVersions.status, "published"))
        .limit(1);
      const agentShape = input.agentShape ?? published?.agentShape ?? "loop";
      const check = checkDraft({ ...input, agentShape }, published ?? null);
      if (!check.ok) throw invalidDraft(check.issues);

      const [current] = await tx
        .select({ id: policyVersions.id, version: policyVersions.version })
        .from(policyVersions)
        .where(eq(policyVersions.status, "draft"))
        .orderBy(desc(policyVersions.version))
        .limit(1);
      if (input.draftId && current?.id !== input.draftId) {
        throw new AppError(
          "conflict:policy",
          current
            ? `The draft you were editing was published or discarded, and draft version ${current.version} replaced it. Copy your changes, reload the page, and apply them to the current draft.`
            : "The draft you were editing was published or discarded. Copy your changes, reload the page, and start a new draft.",
        );
      }
      if (!input.draftId && current) {
        throw new AppError(
          "conflict:policy",
          `Draft version ${current.version} already exists. Reload the page to edit it, or discard it first.`,
        );
      }

      const values = {
        rules: check.rules,
        instructions: input.instructions.trim(),
        agentShape,
        note: input.note || null,
      };
      let saved: SavedDraft;
      if (current) {
        await tx
          .update(policyVersions)
          .set(values)
          .where(and(eq(policyVersions.id, current.id), eq(policyVersions.status, "draft")));
        saved = { id: current.id, version: current.version, created: false };
      } else {
        const [row] = await tx
          .insert(policyVersions)
          .values({
            ...values,
            version: sql`(select coalesce(max(version), 0) + 1 from ${policyVersions})`,
            status: "draft",
            createdBy: actor.id,
          })
          .returning({ id: policyVersions.id, version: policyVersions.version });
        if (!row) throw new Error("The draft was not inserted.");
        saved = { ...row, created: true };
      }
      await recordAudit(tx, {
        actorId: actor.id,
        actorType: "user",
        action: saved.created ? "policy.draft_created" : "policy.draft_saved",
        entityType: "policy_version",
        entityId: saved.id,
        data: { version: saved.version, rules: check.rules.length, agentShape },
      });
      return saved;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        "conflict:policy",
        "Another admin started a draft at the same moment. Reload the page to edit theirs.",
      );
    }
    throw error;
  }
}

/** Deletes the draft. Published and retired versions are history and are never deleted. */
export async function discardPolicyDraft(
  db: Db,
  actor: Actor,
  draftId: string,
): Promise<{ version: number }> {
  return inPolicyTransaction(db, async (tx) => {
    const [gone] = await tx
      .delete(policyVersions)
      .where(and(eq(policyVersions.id, draftId), eq(policyVersions.status, "draft")))
      .returning({ version: policyVersions.version });
    if (!gone) {
      throw new AppError(
        "not_found:policy",
        "There is no such draft to discard: it was already published or discarded. Reload the page.",
      );
    }
    await recordAudit(tx, {
      actorId: actor.id,
      actorType: "user",
      action: "policy.draft_discarded",
      entityType: "policy_version",
      entityId: draftId,
      data: { version: gone.version },
    });
    return gone;
  });
}
