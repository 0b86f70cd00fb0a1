import { describe, expect, it } from "vitest";
import { decisionCacheKey } from "@/lib/agent/cache";

const base = {
  fromEmail: "ada@example.com",
  subject: "Where is my parcel?",
  body: "Hi,\nI ordered a lamp last week. Where is it?",
  policyVersionId: "policy-v3",
  models: ["offline", "gpt-large"],
  guidance: null,
};

const key = (changes: Partial<Parameters<typeof decisionCacheKey>[0]> = {}) =>
  decisionCacheKey({ ...base, ...changes });

describe("decisionCacheKey", () => {
  it("is a stable SHA-256 hex digest", () => {
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
    expect(key()).toBe(key());
  });

  it("is the same after case and whitespace changes in the ticket", () => {
    expect(
      key({
        fromEmail: "  ADA@Example.com ",
        subject: "WHERE   is my parcel?  ",
        body: "  hi,   i ordered a LAMP\n\nlast week.\tWhere is it?\n",
      }),
    ).toBe(key());
  });

  it("is the same for compatibility-equivalent Unicode", () => {
    // "ﬁ" (U+FB01) normalises to "fi" under NFKC
    expect(key({ subject: "Where is my ﬁle?" })).toBe(key({ subject: "Where is my file?" }));
  });

  it("treats missing, null and blank guidance alike", () => {
    expect(key({ guidance: undefined })).toBe(key());
    expect(key({ guidance: "   " })).toBe(key());
  });

  it("normalises guidance like the ticket", () => {
    expect(key({ guidance: "Escalate  to BILLING" })).toBe(key({ guidance: "escalate to billing" }));
  });

  it("changes with the ticket's content", () => {
    expect(key({ body: "Hi,\nI ordered a chair last week. Where is it?" })).not.toBe(key());
    expect(key({ subject: "Where is my lamp?" })).not.toBe(key());
  });

  it("changes with the sender", () => {
    expect(key({ fromEmail: "grace@example.com" })).not.toBe(key());
  });

  it("changes with the policy version", () => {
    expect(key({ policyVersionId: "policy-v4" })).not.toBe(key());
  });

  it("changes with the model list, including its order", () => {
    expect(key({ models: ["offline"] })).not.toBe(key());
    expect(key({ models: ["gpt-large", "offline"] })).not.toBe(key());
  });

  it("changes with reviewer guidance", () => {
    expect(key({ guidance: "Offer a replacement." })).not.toBe(key());
  });

  it("does not let text move between fields to collide", () => {
    expect(key({ subject: "a b", body: "c" })).not.toBe(key({ subject: "a", body: "b c" }));
  });
});
