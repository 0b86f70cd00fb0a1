import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { type AgentShape, policyVersions } from "@/db/schema";
import { loadShapeFigures, type ShapeFigures } from "@/lib/metrics/shapes";

/** How far back a dry-run looks for runs of each shape. */
const SHAPE_WINDOW_DAYS = 30;

export interface DryRunShape {
  published: AgentShape;
  draft: AgentShape;
  /** The last 30 days' runs of the published and the draft's shape (one entry when they are the same). */
  figures: ShapeFigures[];
}

/**
 * A shape cannot be replayed from stored decisions (its steps were never
 * taken), so a dry-run shows what the change means from the records: runs
 * of each shape lately, their escalations, tokens, cost and latency. The
 * rules the replay checks apply to every shape through the same gate.
 */
export async function dryRunShape(db: Db, draft: AgentShape): Promise<DryRunShape> {
  const [live] = await db
    .select({ shape: policyVersions.agentShape })
    .from(policyVersions)
    .where(eq(policyVersions.status, "published"));
  const published = live?.shape ?? "loop";
  const to = new Date();
  const from = new Date(to.getTime() - SHAPE_WINDOW_DAYS * 86_400_000);
  const figures = (await loadShapeFigures(db, { from, to })).filter(
    (f) => f.shape === published || f.shape === draft,
  );
  return { published, draft, figures };
}
