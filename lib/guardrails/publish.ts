import { and, eq, max, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { recordAudit } from "@/db/queries/audit";
import { policyVersions } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { Actor } from "./drafts";
import { invalidDraft } from "./inputs";
import { rulesProblem } from "./policy";
import { inPolicyTransaction } from "./policy-lock";
import { rulesSchema } from "./rules";
import { checkDraft, samePolicy } from "./validate";

export interface PublishOutcome {
  id: string;
  version: number;
  retiredVersion: number | null;
}

type Row = typeof policyVersions.$inferSelect;

const RACE =
  "Another admin published a policy version at the same moment, so this one was not published. Reload the page, check what is live, and try again if it is still needed.";

async function currentPublished(tx: Db, expectedPublishedId: string | null | undefined): Promise<Row | null> {
  const [published] = await tx
    .select()
    .from(policyVersions)
    .where(eq(policyVersions.status, "published"))
    .limit(1);
  if (expectedPublishedId !== undefined && (published?.id ?? null) !== expectedPublishedId) {
    throw new AppError(
      "conflict:policy",
      published
        ? `Version ${published.version} went live since you loaded the page. Reload, dry-run against it, and publish again if still needed.`
        : "The published version changed since you loaded the page. Reload and try again.",
    );
  }
  return published ?? null;
}

async function retire(tx: Db, published: Row | null): Promise<void> {
  if (!published) return;
  await tx
    .update(policyVersions)
    .set({ status: "retired" })
    .where(and(eq(policyVersions.id, published.id), eq(policyVersions.status, "published")));
}

/**
 * Makes the draft the single published version, in one transaction: the old
 * version is retired, the draft becomes published (renumbered after any
 * version a rollback created meanwhile), and the audit log says who did it.
 * New runs read the published version; old runs keep pointing at theirs.
 */
export async function publishPolicyDraft(
  db: Db,
  actor: Actor,
  input: { draftId: string; expectedPublishedId?: string | null },
): Promise<PublishOutcome> {
  try {
    return await inPolicyTransaction(db, async (tx) => {
      const [draft] = await tx.select().from(policyVersions).where(eq(policyVersions.id, input.draftId));
      if (!draft) {
        throw new AppError(
          "not_found:policy",
          "This draft does not exist any more: it was discarded. Reload the page.",
        );
      }
      if (draft.status !== "draft") {
        throw new AppError(
          "conflict:policy",
          draft.status === "published"
            ? `Version ${draft.version} is already published. Reload the page to see it.`
            : `Version ${draft.version} was published before and is now retired. To use it again, roll back to it from the history.`,
        );
      }
      const published = await currentPublished(tx, input.expectedPublishedId);
      const check = checkDraft(draft, published);
      if (!check.ok) throw invalidDraft(check.issues);

      const [others] = await tx
        .select({ top: max(policyVersions.version) })
        .from(policyVersions)
        .where(ne(policyVersions.id, draft.id));
      const version = Math.max(draft.version, (others?.top ?? 0) + 1);
      await retire(tx, published);
      const [row] = await tx
        .update(policyVersions)
        .set({
          status: "published",
          version,
          rules: check.rules,
          publishedBy: actor.id,
          publishedAt: sql`now()`,
        })
        .where(and(eq(policyVersions.id, draft.id), eq(policyVersions.status, "draft")))
        .returning({ id: policyVersions.id, version: policyVersions.version });
      if (!row) throw new AppError("conflict:policy", RACE);
      await recordAudit(tx, {
        actorId: actor.id,
        actorType: "user",
        action: "policy.published",
        entityType: "policy_version",
        entityId: row.id,
        data: {
          version: row.version,
          draftVersion: draft.version,
          previousVersion: published?.version ?? null,
          previousId: published?.id ?? null,
        },
      });
      return { id: row.id, version: row.version, retiredVersion: published?.version ?? null };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict:policy", RACE);
    throw error;
  }
}

/**
 * Rolls back by publishing a copy of an earlier version as a new version
 * number, so history only ever grows and every run keeps its own version.
 */
export async function rollbackPolicyVersion(
  db: Db,
  actor: Actor,
  input: { versionId: string; expectedPublishedId?: string | null },
): Promise<PublishOutcome & { fromVersion: number }> {
  try {
    return await inPolicyTransaction(db, async (tx) => {
      const [source] = await tx.select().from(policyVersions).where(eq(policyVersions.id, input.versionId));
      if (!source)
        throw new AppError("not_found:policy", "This policy version does not exist. Reload the page.");
      if (source.status === "draft") {
        throw new AppError(
          "bad_request:policy",
          `Version ${source.version} is the draft, not an earlier version: publish it instead.`,
        );
      }
      const published = await currentPublished(tx, input.expectedPublishedId);
      if (published?.id === source.id) {
        throw new AppError(
          "bad_request:policy",
          `Version ${source.version} is already the published version: there is nothing to roll back.`,
        );
      }
      const parsed = rulesSchema.safeParse(source.rules);
      if (!parsed.success) {
        throw new AppError(
          "bad_request:policy",
          `Version ${source.version}'s stored rules do not validate (${rulesProblem(source.rules)}), so it cannot be published again. Start a draft instead.`,
        );
      }
      const live = published ? rulesSchema.safeParse(published.rules) : null;
      if (
        published &&
        live?.success &&
        samePolicy(
          { rules: parsed.data, instructions: source.instructions, agentShape: source.agentShape },
          { rules: live.data, instructions: published.instructions, agentShape: published.agentShape },
        )
      ) {
        throw new AppError(
          "bad_request:policy",
          `Nothing changed: version ${source.version} has the same rules and instructions as the published version ${published.version}.`,
        );
      }

      await retire(tx, published);
      const [row] = await tx
        .insert(policyVersions)
        .values({
          version: sql`(select coalesce(max(version), 0) + 1 from ${policyVersions})`,
          status: "published",
          rules: parsed.data,
          instructions: source.instructions,
          agentShape: source.agentShape,
          note: `Rollback to version ${source.version}.`,
          createdBy: actor.id,
          publishedBy: actor.id,
          publishedAt: sql`now()`,
        })
        .returning({ id: policyVersions.id, version: policyVersions.version });
      if (!row) throw new Error("The rollback copy was not inserted.");
      await recordAudit(tx, {
        actorId: actor.id,
        actorType: "user",
        action: "policy.rolled_back",
        entityType: "policy_version",
        entityId: row.id,
        data: {
          version: row.version,
          fromVersion: source.version,
          fromId: source.id,
          previousVersion: published?.version ?? null,
          previousId: published?.id ?? null,
        },
      });
      return {
        id: row.id,
        version: row.version,
        retiredVersion: published?.version ?? null,
        fromVersion: source.version,
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict:policy", RACE);
    throw error;
  }
}
