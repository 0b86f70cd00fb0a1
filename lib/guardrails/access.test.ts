import { eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import { auditLog, policyVersions } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { DEFAULT_INSTRUCTIONS, DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import type { Rule } from "@/lib/guardrails/rules";
import { REVIEWER_FORBIDDEN, serveDatabase, signInAs } from "@/test/app-session";
import { useTestDatabase } from "@/test/db";
import { userOfRole } from "@/test/guardrail-history";

// The server actions and route handlers run as in the app: real scope checks against the database.
const actions = await import("@/app/(app)/policies/actions");
const draftRoute = await import("@/app/api/v1/policies/draft/route");
const { POST: dryRunRoute } = await import("@/app/api/v1/policies/draft/dry-run/route");
const { POST: publishRoute } = await import("@/app/api/v1/policies/publish/route");
const { POST: rollbackRoute } = await import("@/app/api/v1/policies/rollback/route");
const { GET: figuresRoute } = await import("@/app/api/v1/policies/figures/route");
const { GET: listRoute } = await import("@/app/api/v1/policies/route");

const NOW = new Date("2026-11-01T12:00:00Z");
const rules: Rule[] = DEFAULT_RULES.map((r) =>
  r.id === "legal-escalate" && r.type === "escalate_keywords"
    ? { ...r, keywords: [...r.keywords, "ombudsman"] }
    : r,
);

type Route = (request: Request, ctx: unknown) => Promise<Response>;
const send = (route: Route, method: string, body?: unknown) =>
  route(
    new Request("http://localhost/api/v1/policies", {
      method,
      headers: { "content-type": "application/json", origin: "http://localhost" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
    {},
  );

describe("policy actions and routes", () => {
  const database = useTestDatabase();
  let db: Db;
  let reviewer: { id: string };
  let admin: { id: string };
  let v1: string;

  beforeAll(async () => {
    db = database.db;
    serveDatabase(db);
    await seedDemo(db, { now: NOW });
    reviewer = await userOfRole(db, "reviewer");
    admin = await userOfRole(db, "admin");
    v1 = (await getPublishedPolicyRow(db))!.id;
  });

  const snapshot = async () => ({
    versions: await db.select().from(policyVersions),
    audit: await db.select().from(auditLog).where(like(auditLog.action, "policy.%")),
  });

  describe("a reviewer", () => {
    it("is refused by every policy server action, whatever it sends, and nothing changes", async () => {
      signInAs(reviewer);
      const before = await snapshot();
      const attempts = [
        actions.savePolicyDraftAction({ rules, instructions: DEFAULT_INSTRUCTIONS }),
        actions.savePolicyDraftAction("not even an object"),
        actions.discardPolicyDraftAction({ draftId: v1 }),
        actions.dryRunPolicyDraftAction({ draftId: v1, limit: 10 }),
        actions.publishPolicyDraftAction({ draftId: v1 }),
        actions.rollbackPolicyVersionAction({ versionId: v1 }),
      ];
      for (const result of await Promise.all(attempts))
        expect(result).toEqual({ ok: false, error: REVIEWER_FORBIDDEN });
      expect(await snapshot()).toEqual(before);
    });

    it("gets 403 JSON from every policy route", async () => {
      signInAs(reviewer);
      const before = await snapshot();
      const responses = await Promise.all([
        send(listRoute as Route, "GET"),
        send(figuresRoute as Route, "GET"),
        send(draftRoute.PUT as Route, "PUT", { rules, instructions: DEFAULT_INSTRUCTIONS }),
        send(draftRoute.DELETE as Route, "DELETE", { draftId: v1 }),
        send(dryRunRoute as Route, "POST", { draftId: v1 }),
        send(publishRoute as Route, "POST", { draftId: v1 }),
        send(rollbackRoute as Route, "POST", { versionId: v1 }),
      ]);
      for (const response of responses) {
        expect(response.status).toBe(403);
        expect(await response.json()).toEqual({
          error: { code: "forbidden:auth", message: REVIEWER_FORBIDDEN },
        });
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  it("a signed-out caller gets 401", async () => {
    signInAs(null);
    const response = await send(publishRoute as Route, "POST", { draftId: v1 });
    expect(response.status).toBe(401);
    expect(await actions.publishPolicyDraftAction({ draftId: v1 })).toMatchObject({ ok: false });
  });

  describe("an admin", () => {
    it("saves, dry-runs and publishes through the server actions", async () => {
      signInAs(admin);
      const saved = await actions.savePolicyDraftAction({ rules, instructions: DEFAULT_INSTRUCTIONS });
      expect(saved).toMatchObject({ ok: true, message: "Draft version 2 saved.", data: { version: 2 } });
      const draftId = saved.ok ? saved.data?.id : undefined;
      const dryRun = await actions.dryRunPolicyDraftAction({ draftId, limit: "500" });
      expect(dryRun).toMatchObject({ ok: true, data: { draftVersion: 2, limit: 500, runsReplayed: 0 } });
      const published = await actions.publishPolicyDraftAction({ draftId, expectedPublishedId: v1 });
      expect(published).toEqual({
        ok: true,
        data: { id: draftId, version: 2, retiredVersion: 1 },
        message: "Version 2 is published: new runs use it; version 1 is retired.",
      });
      const rollback = await actions.rollbackPolicyVersionAction({
        versionId: v1,
        expectedPublishedId: draftId,
      });
      expect(rollback).toMatchObject({
        ok: true,
        message: "Rolled back: version 3, a copy of version 1, is published.",
      });
      const [live] = await db.select().from(policyVersions).where(eq(policyVersions.status, "published"));
      expect(live?.version).toBe(3);
    });

    it("gets every problem of an invalid draft, keyed by the field it is about", async () => {
      signInAs(admin);
      const result = await actions.savePolicyDraftAction({
        rules: [
          { id: "a1", type: "escalate_keywords", keywords: [], name: "A", explanation: "B" },
          { id: "a2", type: "escalate_regex", pattern: "(", name: "A", explanation: "B" },
        ],
        instructions: "Be kind.",
      });
      expect(result).toEqual({
        ok: false,
        error: "Rule 1, keywords: Add at least one keyword. (and 1 more problem)",
        fieldErrors: {
          "rules.0.keywords": ["Add at least one keyword."],
          "rules.1.pattern": ["The pattern is not a valid regular expression (missing closing ))."],
        },
      });
      const malformed = await actions.dryRunPolicyDraftAction({ draftId: "nope" });
      expect(malformed).toMatchObject({ ok: false, error: "This draft id is not valid: reload the page." });
    });

    it("gets 400 with the problems from the routes, and 201 for a new draft", async () => {
      signInAs(admin);
      const bad = await send(draftRoute.PUT as Route, "PUT", "{not json");
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: "bad_request:body" } });
      const invalid = await send(draftRoute.PUT as Route, "PUT", {
        rules: [{ type: "nope" }],
        instructions: "x",
      });
      expect(invalid.status).toBe(400);
      expect(
        ((await invalid.json()) as { error: { issues: unknown[] } }).error.issues.length,
      ).toBeGreaterThan(0);
      const created = await send(draftRoute.PUT as Route, "PUT", {
        rules: rules.slice(1),
        instructions: DEFAULT_INSTRUCTIONS,
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const dryRun = await send(dryRunRoute as Route, "POST", { draftId: id });
      expect(dryRun.status).toBe(200);
      expect(await dryRun.json()).toMatchObject({ limit: 500, runsReplayed: 0 });
      const figures = await send(figuresRoute as Route, "GET");
      expect(figures.status).toBe(200);
      const gone = await send(draftRoute.DELETE as Route, "DELETE", { draftId: id });
      expect(gone.status).toBe(200);
    });
  });
});
