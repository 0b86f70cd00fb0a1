import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("passwords", () => {
  it("verifies the right password and refuses a wrong or malformed one", async () => {
    const hash = await hashPassword("countersign-demo");
    expect(hash).not.toContain("countersign-demo");
    expect(await verifyPassword(hash, "countersign-demo")).toBe(true);
    expect(await verifyPassword(hash, "countersign-dem0")).toBe(false);
    expect(await verifyPassword("not-a-hash", "countersign-demo")).toBe(false);
  });
});
