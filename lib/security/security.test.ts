import { and, eq, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { decode, encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { auditLog, policyVersions, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import {
  discardDraftRoute,
  dryRunRoute,
  publishRoute,
  rollbackRoute,
  saveDraftRoute,
} from "@/lib/api/policies";
import { queueRoute } from "@/lib/api/queue";
import { createApiKey } from "@/lib/auth/api-keys";
import { checkCredentials } from "@/lib/auth/credentials";
import type { UserPrincipal } from "@/lib/auth/guards";
import { hashPassword } from "@/lib/auth/password";
import { ROLE_SCOPES } from "@/lib/auth/scopes";
import { changePassword, changeRole, endAllSessions, endSession, findSessionUser } from "@/lib/auth/sessions";
import { THROTTLE } from "@/lib/auth/sign-in-throttle";
import { createIngestHandlers } from "@/lib/ingest/http";
import { createRateLimiter } from "@/lib/ingest/rate-limit";
import proxy from "@/proxy";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { stubEnv } from "@/test/env";
import { databaseFingerprint } from "@/test/fingerprint";

/**
 * The security suite: headers on pages and APIs, sign-in throttling with its
 * audit rows, tokens replayed after their session ended, cross-origin simple
 * requests to every state-changing route, and the API-key scope matrix.
 */

const SECRET = "security-suite-secret-of-at-least-32-characters";
const SALT = "authjs.session-token";
const ORIGIN = "http://app.test";

describe("security headers", () => {
  const through = (path: string, headers: Record<string, string> = {}) =>
    proxy(new NextRequest(`${ORIGIN}${path}`, { headers }));

  it("are on every page and API response, with a fresh nonce per page", async () => {
    stubEnv({ AUTH_SECRET: SECRET });
    for (const path of ["/login", "/tickets", "/api/v1/queue", "/api/v1/openapi.json", "/"]) {
      const response = await through(path);
      const h = response.headers;
      expect(h.get("x-frame-options"), path).toBe("DENY");
      expect(h.get("x-content-type-options"), path).toBe("nosniff");
      expect(h.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(h.get("permissions-policy"), path).toContain("camera=()");
      expect(h.get("cross-origin-opener-policy"), path).toBe("same-origin");
      expect(h.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(h.get("strict-transport-security"), path).toBeNull();
    }
    const [a, b] = [await through("/login"), await through("/login")];
    const nonce = (r: Response) =>
      /'nonce-([^']+)'/.exec(r.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonce(a)).toBeTruthy();
    expect(nonce(a)).not.toBe(nonce(b));
    expect((await through("/api/v1/queue")).headers.get("content-security-policy")).toMatch(
      /^default-src 'none'/,
    );
  });

  it("add HSTS when the request came over HTTPS", async () => {
    const response = await through("/login", { "x-forwarded-proto": "https" });
    expect(response.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("answer a badly encoded path with 400 and an oversized server-action body with 413", async () => {
    expect((await through("/api/v1/tickets/%ff%fe")).status).toBe(400);
    const big = await proxy(
      new NextRequest(`${ORIGIN}/policies`, {
        method: "POST",
        headers: { "next-action": "abc", "content-length": "2000000" },
      }),
    );
    expect(big.status).toBe(413);
    expect(big.headers.get("content-type")).toBe("text/plain");
    expect(await big.text()).toMatch(/over the limit of 1 MB/);
  });
});

describe("sign-in, sessions, CSRF and keys", () => {
  let handle: TestDatabase;
  let db: Db;
  let admin: { id: string; email: string };
  let reviewer: { id: string; email: string };

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    await seedDemo(db, { now: new Date("2026-11-01T12:00:00Z") });
    const passwordHash = await hashPassword("right-password");
    const rows = await db
      .insert(users)
      .values([
        { email: "sec-admin@example.com", name: "Sec Admin", passwordHash, role: "admin" },
        { email: "sec-reviewer@example.com", name: "Sec Reviewer", passwordHash, role: "reviewer" },
      ])
      .returning({ id: users.id, email: users.email });
    [admin, reviewer] = rows as [typeof admin, typeof reviewer];
  });
  afterAll(() => handle?.destroy());

  it("locks the account after 10 wrong passwords, with growing waits before, audited", async () => {
    const address = "203.0.113.7";
    let now = new Date("2026-12-01T10:00:00Z");
    const waits: number[] = [];
    let failures = 0;
    while (failures < 10) {
      const outcome = await checkCredentials(db, { email: admin.email, address, password: "wrong" }, now);
      if (outcome.ok) throw new Error("a wrong password was accepted");
      if (outcome.reason === "throttled") {
        waits.push((outcome.block.until.getTime() - now.getTime()) / 1000);
        now = new Date(outcome.block.until.getTime() + 1000);
      } else failures++;
    }
    // 1 s, 2 s, ... 64 s between failures 3 and 9, none before.
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64]);
    // The 10th locks the account for 15 minutes, even for the right password from another address.
    const locked = await checkCredentials(
      db,
      { email: admin.email, address: "198.51.100.1", password: "right-password" },
      now,
    );
    expect(locked).toMatchObject({
      ok: false,
      reason: "throttled",
      block: { subject: "account", locked: true },
    });
    if (!locked.ok && locked.reason === "throttled") {
      expect(locked.block.until.getTime() - now.getTime()).toBe(THROTTLE.lockSeconds * 1000);
    }
    const lock = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "login.locked"), eq(auditLog.entityId, admin.id)));
    expect(lock).toHaveLength(1);
    // After the lock, the right password works and clears the count.
    const later = new Date(now.getTime() + THROTTLE.lockSeconds * 1000 + 1000);
    expect(
      await checkCredentials(
        db,
        { email: admin.email, address: "198.51.100.1", password: "right-password" },
        later,
      ),
    ).toMatchObject({ ok: true });
  });

  it("counts the address over every account: the 20th failure locks it", async () => {
    const address = "203.0.113.8";
    let now = new Date("2026-12-01T12:00:00Z");
    let failures = 0;
    for (let i = 0; failures < 20 && i < 200; i++) {
      const outcome = await checkCredentials(
        db,
        { email: `guess-${failures % 5}@example.com`, address, password: "wrong" },
        now,
      );
      if (!outcome.ok && outcome.reason === "wrong_credentials") failures++;
      else if (!outcome.ok && outcome.reason === "throttled")
        now = new Date(outcome.block.until.getTime() + 1000);
      if (failures === 20) break;
    }
    expect(failures).toBe(20);
    const after = await checkCredentials(
      db,
      { email: reviewer.email, address, password: "right-password" },
      now,
    );
    expect(after).toMatchObject({
      ok: false,
      reason: "throttled",
      block: { subject: "address", locked: true },
    });
    const locks = await db.select().from(auditLog).where(eq(auditLog.action, "login.locked"));
    expect(locks.map((l) => l.entityType).sort()).toEqual(expect.arrayContaining(["client_address", "user"]));
    const failed = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(eq(auditLog.action, "login.failed"), sql`${auditLog.data}->>'address' = ${address}`));
    expect(failed[0]?.n).toBe(20);
  });

  /** A real Auth.js token, decoded per request as the app does, feeding the route layer's session. */
  async function tokenFor(user: { id: string }) {
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    return encode({
      secret: SECRET,
      salt: SALT,
      token: {
        sub: user.id,
        id: user.id,
        role: row?.role,
        sid: crypto.randomUUID(),
        sv: row?.sessionVersion,
      },
    });
  }
  const depsFor = (token: string) => ({
    db: async () => db,
    slaMinutes: () => 60,
    user: async (): Promise<UserPrincipal | null> => {
      const claims = await decode({ secret: SECRET, salt: SALT, token });
      if (!claims?.id) return null;
      const user = await findSessionUser(db, claims.id, { sessionId: claims.sid, sessionVersion: claims.sv });
      return user ? { kind: "user", ...user, scopes: ROLE_SCOPES[user.role] } : null;
    },
  });
  const readQueue = (token: string) => queueRoute(depsFor(token))(new Request(`${ORIGIN}/api/v1/queue`));

  it("refuses a token replayed after sign-out, a role change, a password change and 'sign out everywhere'", async () => {
    const token = await tokenFor(reviewer);
    expect((await readQueue(token)).status).toBe(200);
    const claims = await decode({ secret: SECRET, salt: SALT, token });
    await endSession(db, {
      sessionId: claims?.sid ?? "",
      userId: reviewer.id,
      expiresAt: new Date(Date.now() + 3600e3),
    });
    expect((await readQueue(token)).status).toBe(401);
    const other = await tokenFor(reviewer);
    expect((await readQueue(other)).status).toBe(200);

    for (const end of [
      () => changeRole(db, reviewer.id, "reviewer", admin.id),
      () => changePassword(db, reviewer.id, "new-password-1", reviewer.id),
      () => endAllSessions(db, reviewer.id, admin.id),
    ]) {
      const before = await tokenFor(reviewer);
      expect((await readQueue(before)).status).toBe(200);
      await end();
      expect((await readQueue(before)).status).toBe(401);
    }
    const audited = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.entityId, reviewer.id));
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining(["logout", "user.role_change", "user.password_change", "sessions.end_all"]),
    );
  });

  it("refuses a cross-origin text/plain POST, PUT or DELETE to every state-changing route, changing nothing", async () => {
    const token = await tokenFor(admin);
    const id = "00000000-0000-4000-8000-000000000000";
    const routes = [
      ["PUT", saveDraftRoute, { rules: [], instructions: "Forged." }],
      ["DELETE", discardDraftRoute, { draftId: id }],
      ["POST", dryRunRoute, { draftId: id }],
      ["POST", publishRoute, { draftId: id }],
      ["POST", rollbackRoute, { versionId: id }],
    ] as const;
    const before = await databaseFingerprint(db);
    const refused: number[] = [];
    for (const [method, route, body] of routes) {
      const variants: Record<string, string>[] = [
        { "content-type": "text/plain", origin: "https://evil.example" },
        { "content-type": "text/plain", origin: ORIGIN.replace("http:", "https:") },
        { "content-type": "application/json", origin: "https://evil.example" },
        { "content-type": "application/json" },
        { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
      ];
      for (const headers of variants) {
        const response = await route(depsFor(token))(
          new Request(`${ORIGIN}/api/v1/policies`, { method, headers, body: JSON.stringify(body) }),
        );
        refused.push(response.status);
      }
    }
    expect(new Set(refused)).toEqual(new Set([403, 415]));
    expect(await databaseFingerprint(db)).toEqual(before);
    // The same request from this origin goes through.
    const ok = await saveDraftRoute(depsFor(token))(
      new Request(`${ORIGIN}/api/v1/policies/draft`, {
        method: "PUT",
        headers: { "content-type": "application/json", origin: ORIGIN, host: "app.test" },
        body: JSON.stringify({ rules: [], instructions: "Same origin." }),
      }),
    );
    expect(ok.status).toBe(201);
    await db.delete(policyVersions).where(eq(policyVersions.instructions, "Same origin."));
  });

  it("lets a tickets:ingest key read only what it ingested, and tickets:read any ticket", async () => {
    const keys = {
      a: (await createApiKey(db, { name: "helpdesk A", scopes: ["tickets:ingest"] })).key,
      b: (await createApiKey(db, { name: "helpdesk B", scopes: ["tickets:ingest"] })).key,
      reader: (await createApiKey(db, { name: "reader", scopes: ["tickets:read"] })).key,
      metrics: (await createApiKey(db, { name: "metrics", scopes: ["metrics:read"] })).key,
    };
    const handlers = createIngestHandlers({
      db: async () => db,
      enqueueDrafts: async () => undefined,
      rateLimiter: createRateLimiter(1_000),
    });
    const post = (key: string, body: object) =>
      handlers.postTicket(
        new Request(`${ORIGIN}/api/v1/tickets`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const ticket = {
      externalId: "SCOPE-1",
      subject: "Hello",
      body: "Where is it?",
      from: "ada@example.com",
      channel: "email",
    };
    const createdResponse = await post(keys.a, ticket);
    const created = (await createdResponse.json()) as { id: string };
    expect(createdResponse.status, JSON.stringify(created)).toBe(201);
    const [seeded] = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(sql`${tickets.ingestedByKeyId} is null`)
      .limit(1);
    const get = async (key: string, id: string) =>
      (
        await handlers.getTicket(
          new Request(`${ORIGIN}/x`, { headers: { authorization: `Bearer ${key}` } }),
          id,
        )
      ).status;

    const matrix = {
      "a reads its own": await get(keys.a, created.id),
      "a reads a seeded ticket": await get(keys.a, seeded?.id ?? ""),
      "b reads a's ticket": await get(keys.b, created.id),
      "reader reads a's ticket": await get(keys.reader, created.id),
      "reader reads a seeded ticket": await get(keys.reader, seeded?.id ?? ""),
      "metrics key reads a ticket": await get(keys.metrics, created.id),
      "reader posts a ticket": (await post(keys.reader, { ...ticket, externalId: "SCOPE-2" })).status,
    };
    expect(matrix).toEqual({
      "a reads its own": 200,
      "a reads a seeded ticket": 404,
      "b reads a's ticket": 404,
      "reader reads a's ticket": 200,
      "reader reads a seeded ticket": 200,
      "metrics key reads a ticket": 403,
      "reader posts a ticket": 403,
    });
    // b's conflict on a's externalId names nothing of a's ticket.
    const conflict = await post(keys.b, { ...ticket, subject: "Other" });
    expect(conflict.status).toBe(409);
    const body = JSON.stringify(await conflict.json());
    expect(body).not.toContain(created.id);
    expect(body).not.toContain("url");
    // a's own conflict still points at its ticket.
    const own = (await (await post(keys.a, { ...ticket, subject: "Other" })).json()) as {
      error: { id?: string };
    };
    expect(own.error.id).toBe(created.id);
  });
});
