import { describe, expect, it } from "vitest";
import { canonicalJson, payloadHash } from "./payload-hash";
import { createRateLimiter } from "./rate-limit";
import { ticketInputSchema } from "./schemas";

const base = {
  externalId: "ZD-1",
  subject: "Hi",
  body: "Where is my order?",
  from: "ada@example.com",
  channel: "email" as const,
};

describe("payloadHash", () => {
  it("ignores key order at every level and treats null like a missing optional field", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":0,"y":1}]},"b":1}',
    );
    const hash = payloadHash({ ...base, metadata: { a: 1, b: 2 } });
    expect(payloadHash({ metadata: { b: 2, a: 1 }, ...base })).toBe(hash);
    expect(payloadHash({ ...base, customerRef: null, metadata: { a: 1, b: 2 } })).toBe(hash);
    expect(payloadHash({ ...base, metadata: { a: 1, b: 3 } })).not.toBe(hash);
    expect(payloadHash({ ...base, subject: "Hi " })).not.toBe(payloadHash(base));
  });
});

describe("ticketInputSchema", () => {
  it("accepts the documented fields and nothing else", () => {
    expect(ticketInputSchema.safeParse(base).success).toBe(true);
    expect(
      ticketInputSchema.safeParse({ ...base, customerRef: "c-1", metadata: { tags: ["a"] } }).success,
    ).toBe(true);
    expect(ticketInputSchema.safeParse({ ...base, extra: 1 }).success).toBe(false);
  });

  it("says what is wrong and what to do in every message", () => {
    const result = ticketInputSchema.safeParse({});
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^externalId: externalId is required/),
        expect.stringMatching(/^from: from is required/),
        expect.stringMatching(/^channel: channel is required: one of email, chat/),
      ]),
    );
  });
});

describe("createRateLimiter", () => {
  it("allows a burst of the per-minute limit, then refills at the per-minute rate, per key", async () => {
    const limiter = createRateLimiter(60);
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect((await limiter.take("k", t0)).ok).toBe(true);
    const refused = await limiter.take("k", t0);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect((await limiter.take("other", t0)).ok).toBe(true);
    expect((await limiter.take("k", t0 + 1_000)).ok).toBe(true);
    expect((await limiter.take("k", t0 + 1_000)).ok).toBe(false);
    expect((await limiter.take("k", t0 + 120_000)).ok).toBe(true);
  });

  it("forgets the oldest key instead of growing without bound", async () => {
    const limiter = createRateLimiter(1, { maxKeys: 2 });
    expect((await limiter.take("a", 0)).ok).toBe(true);
    expect((await limiter.take("a", 0)).ok).toBe(false);
    await limiter.take("b", 0);
    await limiter.take("c", 0); // evicts "a"
    expect((await limiter.take("a", 0)).ok).toBe(true);
  });
});
