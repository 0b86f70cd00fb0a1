import { createHash } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { agentActions, agentRuns, kbArticles } from "@/db/schema";

/** Same normalised ticket content, policy version, models and guidance: same decision. */
export function decisionCacheKey(input: {
  fromEmail: string;
  subject: string;
  body: string;
  policyVersionId: string;
  models: string[];
  guidance?: string | null;
  /** Changes whenever the knowledge base does, so an edited article is never answered from a stale draft. */
  knowledgeStamp?: string;
}): string {
  const normalise = (s: string) => s.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  return createHash("sha256")
    .update(
      JSON.stringify([
        normalise(input.fromEmail),
        normalise(input.subject),
        normalise(input.body),
        input.policyVersionId,
        input.models,
        normalise(input.guidance ?? ""),
        input.knowledgeStamp ?? "",
      ]),
    )
    .digest("hex");
}

/** The knowledge base's version: its latest edit and its size. */
export async function knowledgeStamp(db: Db): Promise<string> {
  const [row] = await db
    .select({
      at: sql<string>`coalesce(max(${kbArticles.updatedAt})::text, '')`,
      n: sql<number>`count(*)::int`,
    })
    .from(kbArticles);
  return `${row?.at ?? ""}|${row?.n ?? 0}`;
}

/** The earlier decision for this key: its run and the actions it proposed. */
export async function findCachedDecision(db: Db, cacheKey: string) {
  const [run] = await db
    .select({ id: agentRuns.id })
    .from(agentRuns)
    .where(
      and(eq(agentRuns.cacheKey, cacheKey), eq(agentRuns.status, "succeeded"), eq(agentRuns.cacheHit, false)),
    )
    .orderBy(desc(agentRuns.startedAt))
    .limit(1);
  if (!run) return null;
  const actions = await db
    .select({
      kind: agentActions.kind,
      status: agentActions.status,
      payload: agentActions.payload,
      blockedBy: agentActions.blockedBy,
      blockedReason: agentActions.blockedReason,
    })
    .from(agentActions)
    .where(eq(agentActions.runId, run.id));
  return { runId: run.id, actions };
}
