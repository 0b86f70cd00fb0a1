import type { Db } from "@/db";
import { hit } from "@/lib/security/limiter";

/**
 * The ingest limit per API key: `perMinute` requests a minute. The app's
 * limiter counts in PostgreSQL (lib/security/limiter.ts), so the limit holds
 * across instances; tests may use the in-memory one.
 */
export interface RateLimiter {
  /** Takes one request; `retryAfterSeconds` when the key has used its minute. */
  take(key: string, now?: number): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>;
}

export function createDatabaseRateLimiter(db: () => Promise<Db>, perMinute: number): RateLimiter {
  return {
    async take(key, now = Date.now()) {
      const counter = await hit(await db(), `ingest:${key}`, 60, new Date(now));
      if (counter.points <= perMinute) return { ok: true };
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((counter.windowEndsAt.getTime() - now) / 1000)),
      };
    },
  };
}

/** The same limit in this process's memory (a token bucket), for tests and tools without a database. */
export function createRateLimiter(perMinute: number, options: { maxKeys?: number } = {}): RateLimiter {
  const ratePerMs = perMinute / 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    async take(key, now = Date.now()) {
      let bucket = buckets.get(key);
      if (!bucket) {
        // Forget the oldest key rather than grow without bound (Map keeps insertion order).
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
        bucket = { tokens: perMinute, at: now };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * ratePerMs);
      bucket.at = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)) };
    },
  };
}
