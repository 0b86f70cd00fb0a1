import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import { auditLog, users } from "@/db/schema";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { seedFeedback } from "@/test/feedback";
import { chatFormatErrors, jsonLines } from "@/test/fine-tuning-format";

// The route handlers run as in the app: real withScope, real API-key checks and real role
// checks against the database. Only the two edges Vitest cannot provide are replaced: the
// app's database singleton (this test's database instead) and the Auth.js session cookie.
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as { user: { id: string; sessionId: string; sessionVersion: number } } | null,
}));
vi.mock("@/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db")>()),
  getDb: async () => state.db,
}));
vi.mock("@/lib/auth/index", () => ({ auth: async () => state.session }));

const { GET: download } = await import("@/app/api/v1/exports/[format]/route");
const { GET: manifestOf } = await import("@/app/api/v1/exports/[format]/manifest/route");
const { GET: countOf } = await import("@/app/api/v1/exports/[format]/count/route");

type Handler = typeof download;

function call(handler: Handler, format: string, query = "", auth?: { key?: string; userId?: string }) {
  state.session = auth?.userId
    ? { user: { id: auth.userId, sessionId: crypto.randomUUID(), sessionVersion: 0 } }
    : null;
  const headers = auth?.key ? { authorization: `Bearer ${auth.key}` } : undefined;
  return handler(new Request(`http://localhost/api/v1/exports/${format}?${query}`, { headers }), {
    params: Promise.resolve({ format }),
  });
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

describe("GET /api/v1/exports/{format}", () => {
  let handle: TestDatabase;
  let db: Db;
  let adminId: string;
  let reviewerId: string;
  let exportKey: string;
  let ingestKey: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    state.db = db;
    await seedFeedback(db);
    const people = await db.select({ id: users.id, role: users.role }).from(users);
    adminId = people.find((u) => u.role === "admin")?.id ?? "";
    reviewerId = people.find((u) => u.role === "reviewer")?.id ?? "";
    exportKey = (await createApiKey(db, { name: "ml", scopes: ["datasets:export"] })).key;
    ingestKey = (await createApiKey(db, { name: "helpdesk", scopes: ["tickets:ingest"] })).key;
  }, 120_000);

  afterAll(async () => {
    await handle?.destroy();
  });

  it("refuses a caller with neither a session nor a key: 401", async () => {
    expect(await errorOf(await call(download, "sft"))).toMatchObject({
      status: 401,
      code: "unauthorized:auth",
      message: "You are not signed in. Sign in and try again.",
    });
  });

  it("refuses a reviewer's session: reviewers have no export scope (403)", async () => {
    for (const handler of [download, manifestOf, countOf]) {
      expect(await errorOf(await call(handler, "sft", "", { userId: reviewerId }))).toMatchObject({
        status: 403,
        code: "forbidden:auth",
        message: "Your role (reviewer) does not allow this. Ask an admin for access.",
      });
    }
  });

  it("refuses an API key without datasets:export (403), an unknown key (401) and a revoked one (403)", async () => {
    for (const handler of [download, manifestOf, countOf]) {
      expect(await errorOf(await call(handler, "csv", "", { key: ingestKey }))).toMatchObject({
        status: 403,
        message: "This API key lacks the datasets:export scope. Create a key with that scope.",
      });
    }
    expect((await call(download, "csv", "", { key: "cs_not-a-key" })).status).toBe(401);
    const revoked = await createApiKey(db, { name: "old", scopes: ["datasets:export"] });
    await revokeApiKey(db, revoked.id);
    expect((await call(download, "csv", "", { key: revoked.key })).status).toBe(403);
  });

  it("streams sft to an admin's session with type, file name and record count", async () => {
    const response = await call(download, "sft", "", { userId: adminId });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="countersign-sft-\d{4}-\d\d-\d\d\.jsonl"$/,
    );
    expect(response.headers.get("x-record-count")).toBe("6");
    expect(response.body).toBeInstanceOf(ReadableStream);
    const examples = jsonLines(await response.text());
    expect(examples).toHaveLength(6);
    for (const example of examples) expect(chatFormatErrors(example)).toEqual([]);
  });

  it("streams csv to a key with datasets:export, and the manifest of the same snapshot hashes those bytes", async () => {
    const response = await call(download, "csv", "decision=edit,approve&redact=true", { key: exportKey });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = Buffer.from(await response.arrayBuffer());
    const asOf = response.headers.get("x-export-as-of") ?? "";
    expect(response.headers.get("link")).toContain(`/api/v1/exports/csv/manifest?decision=edit%2Capprove`);

    const manifest = await call(manifestOf, "csv", `decision=edit,approve&redact=true&asOf=${asOf}`, {
      key: exportKey,
    });
    expect(manifest.status).toBe(200);
    const body = (await manifest.json()) as {
      file: { sha256: string; records: number; bytes: number };
      asOf: string;
    };
    expect(body.asOf).toBe(asOf);
    // Approvals of replies and of the escalation, and the three edits.
    expect(body.file).toMatchObject({
      records: 7,
      bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
  });

  it("counts before downloading", async () => {
    const response = await call(countOf, "dpo", "minRating=2", { userId: adminId });
    expect(await response.json()).toMatchObject({
      format: "dpo",
      records: 2,
      formats: { sft: 6, dpo: 2, trl: 2, csv: 6 },
      query: expect.stringMatching(/^minRating=2&asOf=/),
    });
  });

  it("says what to fix: a bad filter is a 400, an unknown format a 404", async () => {
    expect(await errorOf(await call(download, "sft", "minRating=9", { key: exportKey }))).toMatchObject({
      status: 400,
      message: "minRating must be a number from 1 to 5.",
    });
    expect(await errorOf(await call(download, "xlsx", "", { key: exportKey }))).toMatchObject({
      status: 404,
      message: 'There is no export format "xlsx". Use one of: sft, dpo, trl, csv.',
    });
  });

  it("records who exported what in the audit log", async () => {
    const entries = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "dataset.export"), eq(auditLog.actorType, "api_key")));
    expect(entries.some((e) => e.entityId === "csv" && (e.data as { records: number }).records === 7)).toBe(
      true,
    );
  });
});
