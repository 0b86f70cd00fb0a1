import { describe, expect, it } from "vitest";
import { API_KEY_SCOPES, ROLE_SCOPES, roleHasScope } from "./scopes";

describe("roles and scopes", () => {
  it("lets reviewers review but not publish policies, edit the KB or export", () => {
    expect(roleHasScope("reviewer", "actions:review")).toBe(true);
    expect(roleHasScope("reviewer", "tickets:draft")).toBe(true);
    for (const scope of ["policies:write", "kb:write", "datasets:export", "api_keys:manage"] as const) {
      expect(roleHasScope("reviewer", scope)).toBe(false);
    }
  });

  it("gives admins everything reviewers have, and more", () => {
    for (const scope of ROLE_SCOPES.reviewer) expect(roleHasScope("admin", scope)).toBe(true);
    expect(roleHasScope("admin", "policies:write")).toBe(true);
  });

  it("limits API keys to machine scopes", () => {
    expect([...API_KEY_SCOPES].sort()).toEqual([
      "datasets:export",
      "metrics:read",
      "tickets:ingest",
      "tickets:read",
    ]);
  });
});
