import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { agentActions, agentRuns, agentSteps, customers, kbArticles, orders } from "@/db/schema";
import type { Retrieved } from "./types";

/** The name of the chain step that lists the records a decision relied on. */
export const FACTS_READ_STEP = "facts read";
export const CACHE_HIT_STEP = "decision cache hit";
export const CACHE_STALE_STEP = "decision cache stale";

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
  /** The ticket's metadata and its customer's tier: facts the decision relied on. */
  metadata?: Record<string, unknown>;
  customerTier?: string | null;
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
        stableJson(input.metadata ?? {}),
        input.customerTier ?? "",
      ]),
    )
    .digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

/** The records a decision's tools read, as they were: stored with the run, compared before reuse. */
export const factsReadSchema = z.object({
  orders: z.array(
    z.object({ number: z.string(), status: z.string(), totalCents: z.number(), placedAt: z.string() }),
  ),
  customers: z.array(z.object({ id: z.string(), email: z.string(), tier: z.string() })),
});
export type FactsRead = z.infer<typeof factsReadSchema>;

export function factsRead(retrieved: Retrieved): FactsRead {
  return {
    orders: [...retrieved.orders.values()].map((o) => ({
      number: o.number,
      status: o.status,
      totalCents: o.totalCents,
      placedAt: o.placedAt,
    })),
    customers: [...retrieved.customers.values()].map((c) => ({ id: c.id, email: c.email, tier: c.tier })),
  };
}

/** What changed since the decision read these records, or null when nothing did. */
async function changedFacts(db: Db, facts: FactsRead): Promise<string | null> {
  const numbers = facts.orders.map((o) => o.number);
  const now = numbers.length
    ? await db
        .select({
          number: orders.number,
          status: orders.status,
          totalCents: orders.totalCents,
          placedAt: orders.placedAt,
        })
        .from(orders)
        .where(inArray(orders.number, numbers))
    : [];
  for (const before of facts.orders) {
    const after = now.find((o) => o.number === before.number);
    if (!after) return `order ${before.number} no longer exists`;
    if (after.status !== before.status)
      return `order ${before.number} is now ${after.status} (was ${before.status})`;
    if (after.totalCents !== before.totalCents || after.placedAt.toISOString() !== before.placedAt)
      return `order ${before.number} changed`;
  }
  const ids = facts.customers.map((c) => c.id);
  const people = ids.length
    ? await db
        .select({ id: customers.id, email: customers.email, tier: customers.tier })
        .from(customers)
        .where(inArray(customers.id, ids))
    : [];
  for (const before of facts.customers) {
    const after = people.find((c) => c.id === before.id);
    if (!after || after.email !== before.email || after.tier !== before.tier)
      return `customer ${before.id} changed`;
  }
  return null;
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

export type CachedDecision =
  | { reusable: true; runId: string; actions: Awaited<ReturnType<typeof actionsOf>> }
  | { reusable: false; runId: string; reason: string };

async function actionsOf(db: Db, runId: string) {
  return db
    .select({
      kind: agentActions.kind,
      status: agentActions.status,
      payload: agentActions.payload,
      blockedBy: agentActions.blockedBy,
      blockedReason: agentActions.blockedReason,
    })
    .from(agentActions)
    .where(eq(agentActions.runId, runId));
}

/**
 * The earlier decision for this key, reusable only when the records its tools
 * read are unchanged (the key already covers the ticket, its metadata, the
 * customer's tier, the policy, the models and the knowledge base).
 */
export async function findCachedDecision(db: Db, cacheKey: string): Promise<CachedDecision | null> {
  const [run] = await db
    .select({ id: agentRuns.id })
    .from(agentRuns)
    .where(
      and(eq(agentRuns.cacheKey, cacheKey), eq(agentRuns.status, "succeeded"), eq(agentRuns.cacheHit, false)),
    )
    .orderBy(desc(agentRuns.startedAt))
    .limit(1);
  if (!run) return null;
  const [step] = await db
    .select({ output: agentSteps.output })
    .from(agentSteps)
    .where(
      and(eq(agentSteps.runId, run.id), eq(agentSteps.kind, "cache"), eq(agentSteps.name, FACTS_READ_STEP)),
    )
    .orderBy(asc(agentSteps.seq))
    .limit(1);
  const facts = factsReadSchema.safeParse(step?.output);
  if (!facts.success)
    return { reusable: false, runId: run.id, reason: "the decision does not list the records it relied on" };
  const changed = await changedFacts(db, facts.data);
  if (changed) return { reusable: false, runId: run.id, reason: changed };
  return { reusable: true, runId: run.id, actions: await actionsOf(db, run.id) };
}
