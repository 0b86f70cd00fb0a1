import { eq, notInArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { auditLog, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { exportCountRoute, exportManifestRoute, exportRoute } from "@/lib/api/exports";
import { metricsRoute } from "@/lib/api/metrics";
import {
  discardDraftRoute,
  dryRunRoute,
  listPoliciesRoute,
  policyFiguresRoute,
  publishRoute,
  rollbackRoute,
  saveDraftRoute,
} from "@/lib/api/policies";
import { queueRoute } from "@/lib/api/queue";
import { ticketProgressRoute } from "@/lib/api/tickets";
import { createApiKey } from "@/lib/auth/api-keys";
import type { UserPrincipal } from "@/lib/auth/guards";
import { createIngestHandlers } from "@/lib/ingest/http";
import { createRateLimiter } from "@/lib/ingest/rate-limit";
import { availableDrivers, useTestDatabase } from "@/test/db";
import { databaseFingerprint } from "@/test/fingerprint";
import { badBodies, CURSORS, prng, QUERY_VALUES } from "@/test/fuzz-values";
import { callRoute, userPrincipal } from "@/test/route-harness";
import type { Route } from "./route";

/**
 * Every route handler under malformed requests (the ingest endpoints have
 * their own 1,000+ cases in lib/ingest/fuzz.test.ts; they get more here):
 * dates at the type's limits, crafted cursors, NUL and invalid UTF-8 in
 * queries and bodies, huge bodies, wrong content types, foreign origins and
 * methods a route does not export. None may answer 5xx; the database must be
 * exactly as it was.
 */

const ORIGIN = "http://fuzz.test";

/** Reading an export is audited by design: the audit log is checked on its own. */
const withoutAudit = ({ audit_log: _audit, ...rest }: Record<string, string>) => rest;
type Methods = Partial<Record<"GET" | "POST" | "PUT" | "DELETE", Route>>;

interface Case {
  method: string;
  path: string;
  body?: string | Uint8Array;
  headers: Record<string, string>;
}

describe.each(availableDrivers())("fuzzing every route handler on %s", (driver) => {
  const database = useTestDatabase(driver);
  let db: Db;
  let admin: UserPrincipal;
  let keys: Record<string, string>;

  beforeAll(async () => {
    db = database.db;
    await seedDemo(db, { now: new Date("2026-11-01T12:00:00Z") });
    const [row] = await db.select().from(users).where(eq(users.role, "admin")).limit(1);
    if (!row) throw new Error("the demo seed has no admin");
    admin = userPrincipal(row);
    keys = {};
    for (const scope of ["tickets:ingest", "tickets:read", "datasets:export", "metrics:read"] as const) {
      keys[scope] = (await createApiKey(db, { name: `fuzz ${scope}`, scopes: [scope] })).key;
    }
  });

  it("answers 2,000+ malformed requests without a 5xx and writes nothing", async () => {
    const deps = {
      db: async () => db,
      user: async () => admin,
      slaMinutes: () => 60,
      queuedDrafts: async () => 0,
    };
    const ingest = createIngestHandlers({
      db: async () => db,
      enqueueDrafts: async () => {
        throw new Error("a malformed request queued drafting");
      },
      rateLimiter: createRateLimiter(1_000_000),
      sessionReader: async () => admin,
    });
    const bind = (route: (d: typeof deps) => Route) => route(deps);
    const routes: Record<string, Methods> = {
      "/api/v1/metrics": { GET: bind(metricsRoute) },
      "/api/v1/exports/csv": { GET: bind(exportRoute) },
      "/api/v1/exports/sft/count": { GET: bind(exportCountRoute) },
      "/api/v1/exports/dpo/manifest": { GET: bind(exportManifestRoute) },
      "/api/v1/queue": { GET: bind(queueRoute) },
      "/api/v1/tickets/progress": { GET: bind(ticketProgressRoute) },
      "/api/v1/policies": { GET: bind(listPoliciesRoute) },
      "/api/v1/policies/figures": { GET: bind(policyFiguresRoute) },
      "/api/v1/policies/draft": { PUT: bind(saveDraftRoute), DELETE: bind(discardDraftRoute) },
      "/api/v1/policies/draft/dry-run": { POST: bind(dryRunRoute) },
      "/api/v1/policies/publish": { POST: bind(publishRoute) },
      "/api/v1/policies/rollback": { POST: bind(rollbackRoute) },
      "/api/v1/tickets": { POST: ingest.postTicket },
      "/api/v1/tickets/batch": { POST: ingest.postBatch },
    };
    const params: Record<string, Record<string, string>> = {
      "/api/v1/exports/csv": { format: "csv" },
      "/api/v1/exports/sft/count": { format: "sft" },
      "/api/v1/exports/dpo/manifest": { format: "dpo" },
    };
    const queryNames: Record<string, string[]> = {
      "/api/v1/metrics": ["from", "to", "groupBy"],
      "/api/v1/exports/csv": [
        "since",
        "until",
        "asOf",
        "decision",
        "tags",
        "policyVersion",
        "minRating",
        "model",
      ],
      "/api/v1/exports/sft/count": ["since", "until", "asOf", "minRating"],
      "/api/v1/exports/dpo/manifest": ["since", "until", "asOf"],
      "/api/v1/queue": ["kind", "state", "q", "cursor"],
      "/api/v1/tickets/progress": ["x"],
      "/api/v1/policies": ["x"],
      "/api/v1/policies/figures": ["x"],
    };
    const bodies: Record<string, Record<string, unknown>> = {
      // Two fields wrong at once, so changing one of them never makes a valid draft.
      "PUT /api/v1/policies/draft": { rules: "none", instructions: 5 },
      "DELETE /api/v1/policies/draft": { draftId: "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" },
      "POST /api/v1/policies/draft/dry-run": { draftId: "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", limit: 10 },
      "POST /api/v1/policies/publish": { draftId: "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" },
      "POST /api/v1/policies/rollback": { versionId: "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" },
      "POST /api/v1/tickets": { externalId: "F-1", subject: "s", body: "b", from: "a@b.co", channel: "x" },
      "POST /api/v1/tickets/batch": { tickets: "none" },
    };

    const json = { "content-type": "application/json", origin: ORIGIN, host: "fuzz.test" };
    const cases: Case[] = [];
    const r = prng(20261201);
    // 1. Every bad value in every query parameter of every GET route, as a session and as a key.
    for (const [path, names] of Object.entries(queryNames)) {
      for (const name of names) {
        const values = name === "cursor" ? CURSORS : QUERY_VALUES;
        for (const value of values) {
          cases.push({ method: "GET", path: `${path}?${name}=${value}`, headers: {} });
          if (path.includes("exports") || path.includes("metrics")) {
            const key = path.includes("metrics") ? keys["metrics:read"] : keys["datasets:export"];
            cases.push({
              method: "GET",
              path: `${path}?${name}=${value}`,
              headers: { authorization: `Bearer ${key}` },
            });
          }
        }
      }
    }
    // 2. Every bad body to every state-changing route, then wrong content types and foreign origins.
    for (const [signature, valid] of Object.entries(bodies)) {
      const [method = "POST", path = ""] = signature.split(" ");
      const auth: Record<string, string> = path.startsWith("/api/v1/tickets")
        ? { authorization: `Bearer ${keys["tickets:ingest"]}` }
        : {};
      for (const body of badBodies(valid)) cases.push({ method, path, body, headers: { ...json, ...auth } });
      for (const type of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "",
      ]) {
        cases.push({
          method,
          path,
          body: JSON.stringify(valid),
          headers: { ...json, ...auth, "content-type": type },
        });
      }
      for (const origin of ["https://evil.example", "null", "http://fuzz.test.evil.example", "%ff", ""]) {
        cases.push({ method, path, body: JSON.stringify(valid), headers: { ...json, ...auth, origin } });
      }
    }
    // 3. Methods a route does not export (Next.js answers 405 for them), and random query noise.
    for (const path of Object.keys(routes)) {
      for (const method of ["GET", "POST", "PUT", "DELETE", "PATCH"]) {
        if (!routes[path]?.[method as keyof Methods])
          cases.push({ method, path, headers: json, body: method === "GET" ? undefined : "{}" });
      }
    }
    while (cases.length < 2_100) {
      const path = r.pick(Object.keys(queryNames));
      const name = r.pick(queryNames[path] ?? ["x"]);
      cases.push({
        method: "GET",
        path: `${path}?${name}=${r.pick(QUERY_VALUES)}&${r.pick(["from", "to", "since", "until", "asOf", "cursor"])}=${r.pick(QUERY_VALUES)}`,
        headers: {},
      });
    }

    const auditBefore = await db.select({ id: auditLog.id }).from(auditLog);
    const before = withoutAudit(await databaseFingerprint(db));
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    const badShape: string[] = [];
    for (const c of cases) {
      const pathname = c.path.split("?")[0] ?? "";
      const route = routes[pathname]?.[c.method as keyof Methods];
      let response: Response;
      if (!route)
        response = Response.json({ error: { code: "method_not_allowed", message: "x" } }, { status: 405 });
      else {
        const { method, headers, body } = c;
        response = await callRoute(route, `${ORIGIN}${c.path}`, {
          method,
          headers,
          body,
          params: params[pathname],
        });
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500)
        serverErrors.push(`${c.method} ${c.path.slice(0, 120)}: ${(await response.text()).slice(0, 200)}`);
      else if (response.status >= 400) {
        const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
        if (typeof body.error?.code !== "string" || typeof body.error.message !== "string")
          badShape.push(`${c.method} ${c.path}`);
      } else await response.body?.cancel();
    }
    console.info(
      `route fuzz on ${driver}: ${cases.length} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(cases.length).toBeGreaterThanOrEqual(2_000);
    expect(serverErrors).toEqual([]);
    expect(badShape).toEqual([]);
    expect(withoutAudit(await databaseFingerprint(db))).toEqual(before);
    // The only rows added are the audit of exports read with filters that were valid after all.
    const added = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(notInArray(auditLog.id, auditBefore.map((a) => a.id).concat(-1)));
    expect(new Set(added.map((a) => a.action))).toEqual(new Set(added.length ? ["dataset.export"] : []));
  }, 600_000);
});
