import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { getDraftPolicyRow, getPublishedPolicyRow } from "@/db/queries/policies";
import { agentRuns, auditLog, policyVersions, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { OFFLINE_MODEL_ID } from "@/lib/agent/offline/model";
import { runAgent } from "@/lib/agent/run";
import { DEFAULT_INSTRUCTIONS, DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { discardPolicyDraft, savePolicyDraft } from "@/lib/guardrails/drafts";
import { publishPolicyDraft, rollbackPolicyVersion } from "@/lib/guardrails/publish";
import type { Rule } from "@/lib/guardrails/rules";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";

const NOW = new Date("2026-11-01T12:00:00Z");
const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };

const withKeyword = (word: string): Rule[] =>
  DEFAULT_RULES.map((r) =>
    r.id === "legal-escalate" && r.type === "escalate_keywords"
      ? { ...r, keywords: [...r.keywords, word] }
      : r,
  );

async function versions(db: Db) {
  return db
    .select({ id: policyVersions.id, version: policyVersions.version, status: policyVersions.status })
    .from(policyVersions)
    .orderBy(asc(policyVersions.version));
}

async function publishedCount(db: Db) {
  const rows = await db
    .select({ id: policyVersions.id })
    .from(policyVersions)
    .where(eq(policyVersions.status, "published"));
  return rows.length;
}

describe.each(availableDrivers())("policy versions on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let admin: { id: string };
  let v1: string;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db, { now: NOW });
    const [row] = await db.select({ id: users.id }).from(users).where(eq(users.role, "admin"));
    admin = { id: row!.id };
    v1 = (await getPublishedPolicyRow(db))!.id;
  });
  afterAll(() => handle?.destroy());

  // Each test starts from version 1 published and nothing else.
  beforeEach(async () => {
    await db.execute(sql`update agent_runs set policy_version_id = ${v1}`);
    await db.execute(sql`delete from policy_versions where id <> ${v1}`);
    await db.update(policyVersions).set({ status: "published" }).where(eq(policyVersions.id, v1));
  });

  const save = (rules: unknown[], extra: { draftId?: string; note?: string } = {}) =>
    savePolicyDraft(db, admin, { rules, instructions: DEFAULT_INSTRUCTIONS, ...extra });

  it("saves one draft numbered after every version, updates it in place, and refuses to start a second", async () => {
    const draft = await save(withKeyword("ombudsman"), { note: "Ombudsman complaints are legal." });
    expect(draft).toMatchObject({ version: 2, created: true });
    const again = await save(withKeyword("reclamation"), { draftId: draft.id });
    expect(again).toEqual({ id: draft.id, version: 2, created: false });
    const stored = await getDraftPolicyRow(db);
    expect(stored).toMatchObject({ id: draft.id, status: "draft", createdBy: admin.id, note: null });
    expect(JSON.stringify(stored?.rules)).toContain("reclamation");

    await expect(save(withKeyword("tribunal"))).rejects.toMatchObject({
      code: "conflict:policy",
      message: "Draft version 2 already exists. Reload the page to edit it, or discard it first.",
    });
    await discardPolicyDraft(db, admin, draft.id);
    await expect(save(withKeyword("tribunal"), { draftId: draft.id })).rejects.toMatchObject({
      code: "conflict:policy",
    });
    const audit = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.entityId, draft.id));
    expect(audit.map((a) => a.action).sort()).toEqual([
      "policy.draft_created",
      "policy.draft_discarded",
      "policy.draft_saved",
    ]);
  });

  it("refuses a draft that changes nothing or does not validate, saying what to fix", async () => {
    await expect(save(DEFAULT_RULES)).rejects.toMatchObject({
      code: "bad_request:policy",
      message: expect.stringMatching(/^Nothing changed: this draft is the same as the published version 1\./),
    });
    await expect(
      save([{ id: "x1", type: "escalate_regex", pattern: "(", name: "X", explanation: "Y" }]),
    ).rejects.toMatchObject({
      message: "Rule 1, pattern: The pattern is not a valid regular expression (missing closing )).",
      details: {
        issues: [
          {
            path: "rules.0.pattern",
            message: "The pattern is not a valid regular expression (missing closing )).",
          },
        ],
      },
    });
    expect(await getDraftPolicyRow(db)).toBeNull();
  });

  it("publishes the draft as the single published version, retires the old one and writes the audit log", async () => {
    const draft = await save(withKeyword("ombudsman"));
    const outcome = await publishPolicyDraft(db, admin, { draftId: draft.id, expectedPublishedId: v1 });
    expect(outcome).toEqual({ id: draft.id, version: 2, retiredVersion: 1 });
    expect(await versions(db)).toEqual([
      { id: v1, version: 1, status: "retired" },
      { id: draft.id, version: 2, status: "published" },
    ]);
    const live = await getPublishedPolicyRow(db);
    expect(live?.publishedBy).toBe(admin.id);
    expect(live?.publishedAt).toBeInstanceOf(Date);
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "policy.published"), eq(auditLog.entityId, draft.id)));
    expect(entry).toMatchObject({ actorId: admin.id, actorType: "user", entityType: "policy_version" });
    expect(entry?.data).toMatchObject({ version: 2, previousVersion: 1, previousId: v1 });

    await expect(publishPolicyDraft(db, admin, { draftId: draft.id })).rejects.toMatchObject({
      code: "conflict:policy",
      message: "Version 2 is already published. Reload the page to see it.",
    });
  });

  it("runs started after publishing use the new version; earlier runs keep theirs", async () => {
    const [ticket] = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(eq(tickets.externalId, "bitext-1199")); // "I would like to make a reclamation"
    const before = await runAgent(db, ticket!.id, { models: OFFLINE, useCache: false });
    expect(before.actions.map((a) => a.kind)).toEqual(["reply"]);

    const draft = await save(withKeyword("reclamation"));
    await publishPolicyDraft(db, admin, { draftId: draft.id });
    const after = await runAgent(db, ticket!.id, { models: OFFLINE, useCache: false });
    expect(after.actions.map((a) => a.kind)).toContain("escalation");

    const runs = await db
      .select({ id: agentRuns.id, policy: agentRuns.policyVersionId })
      .from(agentRuns)
      .where(eq(agentRuns.ticketId, ticket!.id));
    expect(new Map(runs.map((r) => [r.id, r.policy]))).toEqual(
      new Map([
        [before.runId, v1],
        [after.runId, draft.id],
      ]),
    );
  });

  it("publishing twice concurrently leaves exactly one published version", async () => {
    const draft = await save(withKeyword("ombudsman"));
    const results = await Promise.allSettled([
      publishPolicyDraft(db, admin, { draftId: draft.id }),
      publishPolicyDraft(db, admin, { draftId: draft.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const failure = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(failure.reason).toMatchObject({
      code: "conflict:policy",
      message: expect.stringMatching(/already published/),
    });
    expect(await publishedCount(db)).toBe(1);
    expect((await getPublishedPolicyRow(db))?.id).toBe(draft.id);
  });

  it("two admins publishing different versions at once: one wins, the other is told, never zero or two", async () => {
    const a = await save(withKeyword("ombudsman"));
    // A second draft cannot be saved through the editor; insert one as a rival publisher would hold it.
    const [b] = await db
      .insert(policyVersions)
      .values({
        version: 3,
        status: "draft",
        rules: withKeyword("tribunal"),
        instructions: DEFAULT_INSTRUCTIONS,
      })
      .returning({ id: policyVersions.id });
    const results = await Promise.allSettled([
      publishPolicyDraft(db, admin, { draftId: a.id, expectedPublishedId: v1 }),
      publishPolicyDraft(db, admin, { draftId: b!.id, expectedPublishedId: v1 }),
      rollbackPolicyVersion(db, admin, { versionId: v1, expectedPublishedId: v1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected") as PromiseRejectedResult[]) {
      expect(r.reason?.code, String(r.reason)).toMatch(/^(conflict|bad_request):policy$/);
    }
    expect(await publishedCount(db)).toBe(1);

    // Without the check on what the caller saw, publishes queue up and the last one wins: still exactly one.
    const [c] = await db
      .insert(policyVersions)
      .values({
        version: 10,
        status: "draft",
        rules: withKeyword("arbitration"),
        instructions: DEFAULT_INSTRUCTIONS,
      })
      .returning({ id: policyVersions.id });
    const [d] = await db
      .insert(policyVersions)
      .values({
        version: 11,
        status: "draft",
        rules: withKeyword("mediation"),
        instructions: DEFAULT_INSTRUCTIONS,
      })
      .returning({ id: policyVersions.id });
    await Promise.allSettled([
      publishPolicyDraft(db, admin, { draftId: c!.id }),
      publishPolicyDraft(db, admin, { draftId: d!.id }),
    ]);
    expect(await publishedCount(db)).toBe(1);
  });

  it("the database itself refuses a second published version", async () => {
    await expect(
      db.insert(policyVersions).values({ version: 50, status: "published", rules: [], instructions: "x" }),
    ).rejects.toThrow();
    expect(await publishedCount(db)).toBe(1);
  });

  it("refuses to publish a stored draft whose rules do not validate, and leaves the live version alone", async () => {
    const draft = await save(withKeyword("ombudsman"));
    await db.execute(
      sql`update policy_versions set rules = '[{"type":"block_tool","tool":"wire_money"}]' where id = ${draft.id}`,
    );
    await expect(publishPolicyDraft(db, admin, { draftId: draft.id })).rejects.toMatchObject({
      code: "bad_request:policy",
      message: expect.stringMatching(/^Rule 1/),
    });
    expect((await getPublishedPolicyRow(db))?.id).toBe(v1);
  });

  it("says when another version went live since the page was loaded", async () => {
    const draft = await save(withKeyword("ombudsman"));
    await expect(
      publishPolicyDraft(db, admin, { draftId: draft.id, expectedPublishedId: draft.id }),
    ).rejects.toMatchObject({
      code: "conflict:policy",
      message: expect.stringMatching(/^Version 1 went live since you loaded the page/),
    });
  });

  it("rolls back by publishing a copy of an earlier version, and renumbers a draft published after it", async () => {
    const v2 = await save(withKeyword("ombudsman"));
    await publishPolicyDraft(db, admin, { draftId: v2.id });
    const draft = await save(withKeyword("tribunal"));
    expect(draft.version).toBe(3);

    const rollback = await rollbackPolicyVersion(db, admin, { versionId: v1 });
    expect(rollback).toMatchObject({ version: 4, fromVersion: 1, retiredVersion: 2 });
    const copy = await getPublishedPolicyRow(db);
    expect(copy).toMatchObject({ version: 4, note: "Rollback to version 1.", publishedBy: admin.id });
    expect(copy?.rules).toEqual(DEFAULT_RULES);
    expect(copy?.instructions).toBe(DEFAULT_INSTRUCTIONS);

    await expect(rollbackPolicyVersion(db, admin, { versionId: v1 })).rejects.toMatchObject({
      code: "bad_request:policy",
      message: "Nothing changed: version 1 has the same rules and instructions as the published version 4.",
    });
    await expect(rollbackPolicyVersion(db, admin, { versionId: copy!.id })).rejects.toMatchObject({
      message: "Version 4 is already the published version: there is nothing to roll back.",
    });
    await expect(rollbackPolicyVersion(db, admin, { versionId: draft.id })).rejects.toMatchObject({
      message: "Version 3 is the draft, not an earlier version: publish it instead.",
    });

    const published = await publishPolicyDraft(db, admin, { draftId: draft.id });
    expect(published).toMatchObject({ version: 5, retiredVersion: 4 });
    expect((await versions(db)).map((v) => `${v.version} ${v.status}`)).toEqual([
      "1 retired",
      "2 retired",
      "4 retired",
      "5 published",
    ]);
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, "policy.rolled_back"));
    expect(entry?.data).toMatchObject({ version: 4, fromVersion: 1, previousVersion: 2 });
  });

  it("refuses to roll back to a version whose stored rules no longer validate", async () => {
    const v2 = await save(withKeyword("ombudsman"));
    await publishPolicyDraft(db, admin, { draftId: v2.id });
    await db.execute(sql`update policy_versions set rules = '[{"type":"nope"}]' where id = ${v1}`);
    try {
      await expect(rollbackPolicyVersion(db, admin, { versionId: v1 })).rejects.toMatchObject({
        code: "bad_request:policy",
        message: expect.stringMatching(
          /^Version 1's stored rules do not validate \(0\.type: .*\), so it cannot be published again/,
        ),
      });
      expect((await getPublishedPolicyRow(db))?.id).toBe(v2.id);
    } finally {
      await db.update(policyVersions).set({ rules: DEFAULT_RULES }).where(eq(policyVersions.id, v1));
    }
  });
});
