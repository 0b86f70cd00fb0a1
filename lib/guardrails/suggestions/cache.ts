import { desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { policyVersions, reviews } from "@/db/schema";
import { loadSuggestionsWithDryRun } from "./load";

type Loaded = Awaited<ReturnType<typeof loadSuggestionsWithDryRun>>;

/** A result is reused for at most this long even when nothing it depends on seems to have changed. */
const MAX_AGE_MS = 5 * 60_000;

let cached: { key: string; at: number; value: Promise<Loaded> } | null = null;

/**
 * What the suggestions depend on, read from two index lookups: the published version and the
 * newest review. Mining and dry-running them reads 2,000 reviews and 2,000 runs, so the Policies
 * page reuses the last result until either changes.
 */
async function fingerprint(db: Db): Promise<string> {
  const [[published], [newest]] = await Promise.all([
    db
      .select({ id: policyVersions.id })
      .from(policyVersions)
      .where(eq(policyVersions.status, "published"))
      .limit(1),
    db
      .select({ id: reviews.id, at: reviews.createdAt })
      .from(reviews)
      .orderBy(desc(reviews.createdAt), desc(reviews.id))
      .limit(1),
  ]);
  return `${published?.id ?? "none"}|${newest?.id ?? "none"}|${newest?.at.toISOString() ?? ""}`;
}

/** The suggestions with their dry-runs, worked out once per published version and newest review. */
export async function loadSuggestionsCached(db: Db, now: number = Date.now()): Promise<Loaded> {
  const key = await fingerprint(db);
  if (cached && cached.key === key && now - cached.at < MAX_AGE_MS) return cached.value;
  const value = loadSuggestionsWithDryRun(db);
  cached = { key, at: now, value };
  // A failed load is not kept: the next request tries again.
  value.catch(() => {
    if (cached?.value === value) cached = null;
  });
  return value;
}
