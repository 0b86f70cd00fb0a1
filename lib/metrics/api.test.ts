import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { createApiKey } from "@/lib/auth/api-keys";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import type { MetricsReport } from "./report";

// The route as in the app (withScope, API-key and role checks against the database); only the
// app's database singleton and the Auth.js session are replaced.
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as { user: { id: string; sessionId: string; sessionVersion: number } } | null,
}));
vi.mock("@/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db")>()),
  getDb: async () => state.db,
}));
vi.mock("@/lib/auth/index", () => ({ auth: async () => state.session }));

const { GET } = await import("@/app/api/v1/metrics/route");

describe("GET /api/v1/metrics", () => {
  let handle: TestDatabase;
  let reviewerId: string;
  let metricsKey: string;
  let ingestKey: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    state.db = handle.db;
    const [reviewer] = await handle.db
      .insert(users)
      .values({ email: "r@example.com", name: "R", passwordHash: "x", role: "reviewer" })
      .returning({ id: users.id });
    reviewerId = reviewer?.id ?? "";
    metricsKey = (await createApiKey(handle.db, { name: "grafana", scopes: ["metrics:read"] })).key;
    ingestKey = (await createApiKey(handle.db, { name: "helpdesk", scopes: ["tickets:ingest"] })).key;
  });
  afterAll(() => handle?.destroy());

  const call = (query: string, auth: { key?: string; userId?: string } = {}) => {
    state.session = auth.userId
      ? { user: { id: auth.userId, sessionId: crypto.randomUUID(), sessionVersion: 0 } }
      : null;
    const headers = auth.key ? { authorization: `Bearer ${auth.key}` } : undefined;
    return GET(new Request(`http://localhost/api/v1/metrics?${query}`, { headers }), undefined);
  };

  it("401 without a session or key, 403 for a key without metrics:read", async () => {
    expect((await call("")).status).toBe(401);
    const denied = await call("", { key: ingestKey });
    expect(denied.status).toBe(403);
  });

  it("a reviewer's session and a metrics:read key get the same report", async () => {
    const query = "from=2026-11-01&to=2026-11-07&groupBy=model";
    const bySession = await call(query, { userId: reviewerId });
    const byKey = await call(query, { key: metricsKey });
    expect(bySession.status).toBe(200);
    expect(byKey.status).toBe(200);
    const a = (await bySession.json()) as MetricsReport;
    const b = (await byKey.json()) as MetricsReport;
    expect(a.period).toEqual({ from: "2026-11-01T00:00:00.000Z", to: "2026-11-08T00:00:00.000Z", days: 7 });
    expect(a.previousPeriod).toEqual({ from: "2026-10-25T00:00:00.000Z", to: "2026-11-01T00:00:00.000Z" });
    expect(a.groupBy).toBe("model");
    expect(a.headline.current.reviewedActions).toBe(0);
    expect(a.headline.current.decisionQuality).toBeNull();
    expect({ ...a, generatedAt: "" }).toEqual({ ...b, generatedAt: "" });
  });

  it("400 with a message that says what to fix", async () => {
    const bad = await call("groupBy=week", { key: metricsKey });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { code: "bad_request:metrics", message: "groupBy must be one of day, policy or model." },
    });
    const reversed = await call("from=2026-11-07&to=2026-11-01", { userId: reviewerId });
    expect(reversed.status).toBe(400);
    expect(((await reversed.json()) as { error: { message: string } }).error.message).toMatch(
      /must be before to .* swap them/,
    );
  });
});
