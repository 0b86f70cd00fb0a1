/**
 * A token bucket per API key, in this process's memory: each key may make
 * `perMinute` requests a minute, in bursts of up to `perMinute`. With several
 * app instances each applies the limit on its own (so the fleet allows N
 * times as much); it protects an instance from one noisy client, it is not
 * a quota.
 */
export interface RateLimiter {
  /** Takes one token; `retryAfterSeconds` when there is none. */
  take(key: string, now?: number): { ok: true } | { ok: false; retryAfterSeconds: number };
}

export function createRateLimiter(perMinute: number, options: { maxKeys?: number } = {}): RateLimiter {
  const ratePerMs = perMinute / 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now = Date.now()) {
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
