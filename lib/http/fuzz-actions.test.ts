import { eq, notInArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditLog, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { databaseFingerprint } from "@/test/fingerprint";
import { CURSORS, LIMIT_DATES, prng } from "@/test/fuzz-values";

/**
 * Every server action that takes input, called as an attacker would (a server
 * action is a public POST endpoint whose arguments may be anything): wrong
 * types, NUL and lone surrogates, dates at the limits, huge strings. A "5xx"
 * here is an action that throws or answers the generic "went wrong on our
 * side" message; every other refusal is a 4xx. Nothing may be written.
 * Only what Vitest cannot provide is replaced: the app's database singleton,
 * the Auth.js session, Next's cache and request headers, and the job queue.
 * Signing in (which needs Auth.js itself) is covered by lib/security/security.test.ts.
 */
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as {
    user: { id: string; sessionId: string; sessionVersion: number };
    expires: string;
  } | null,
}));
vi.mock("@/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db")>()),
  getDb: async () => state.db,
}));
vi.mock("@/lib/auth/index", () => ({ auth: async () => state.session, signOut: async () => undefined }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.50" }) }));
vi.mock("@/lib/jobs/app-queue", () => ({
  appQueue: async () => {
    throw new Error("a malformed call reached the job queue");
  },
}));

const NUL = String.fromCharCode(0);
const JUNK: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1e308,
  Number.NaN,
  true,
  "",
  " ",
  NUL,
  `a${NUL}b`,
  "\ud800",
  "x".repeat(1_100_000),
  [],
  [NUL],
  {},
  { __proto__: { admin: true } },
  JSON.parse('{"__proto__":{"x":1}}'),
  ...LIMIT_DATES.slice(0, 8),
  ...CURSORS.slice(0, 4),
  { draftId: NUL },
  { draftId: "not-a-uuid", rules: "x", instructions: 5 },
  { versionId: `3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b${NUL}` },
  { actionId: "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", decision: "approve", version: -1, finalText: NUL },
  { userId: "0000-01-01" },
];

function formOf(fields: string[], value: unknown, fixed: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [field, v] of Object.entries(fixed)) form.append(field, v);
  for (const field of fields) {
    if (value === undefined) continue;
    form.append(field, typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
  }
  return form;
}

describe("fuzzing every server action", () => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase();
    state.db = handle.db;
    await seedDemo(handle.db, { now: new Date("2026-11-01T12:00:00Z") });
    const [admin] = await handle.db.select().from(users).where(eq(users.role, "admin")).limit(1);
    state.session = {
      user: { id: admin?.id ?? "", sessionId: crypto.randomUUID(), sessionVersion: 0 },
      expires: new Date(Date.now() + 3600e3).toISOString(),
    };
  });
  afterAll(() => handle?.destroy());

  it("refuses malformed calls to every action without a server error, writing nothing", async () => {
    const policies = await import("@/app/(app)/policies/actions");
    const queue = await import("@/app/(app)/queue/actions");
    const batches = await import("@/app/(app)/queue/batches/actions");
    const review = await import("@/app/(app)/tickets/[id]/review-actions");
    const draft = await import("@/app/(app)/tickets/[id]/actions");
    const csv = await import("@/app/(app)/tickets/import/actions");
    const kb = await import("@/app/(app)/knowledge/actions");
    const keys = await import("@/app/(app)/api-keys/actions");
    const session = await import("@/app/(app)/actions");
    const autopilot = await import("@/app/(app)/autopilot/actions");
    const routing = await import("@/app/(app)/routing/actions");
    const prev = { ok: false as const, error: "" };
    const form =
      (
        action: (p: typeof prev, f: FormData) => Promise<unknown>,
        fields: string[],
        fixed?: Record<string, string>,
      ) =>
      (v: unknown) =>
        action(prev, formOf(fields, v, fixed));
    const actions: Record<string, (value: unknown) => Promise<unknown>> = {
      savePolicyDraft: policies.savePolicyDraftAction,
      discardPolicyDraft: policies.discardPolicyDraftAction,
      dryRunPolicyDraft: policies.dryRunPolicyDraftAction,
      publishPolicyDraft: policies.publishPolicyDraftAction,
      rollbackPolicyVersion: policies.rollbackPolicyVersionAction,
      promoteCategory: autopilot.promoteCategoryAction,
      demoteCategory: autopilot.demoteCategoryAction,
      claimNext: (v) => queue.claimNext(v as string[]),
      startReview: (v) => review.startReviewAction(v as string),
      releaseReview: (v) => review.releaseReviewAction(v as string),
      decideAction: review.decideActionAction,
      decideBatch: batches.decideBatchAction,
      draftTicket: form(draft.draftTicketAction, ["ticketId", "guidance"]),
      previewCsv: (v) => csv.previewCsvAction(v as string),
      startCsvImport: (v) => csv.startCsvImportAction(v as { fileName: string; csv: string }),
      // A slug that is never valid, so junk in the other fields cannot make a real article.
      createArticle: form(kb.createArticleAction, ["title", "tags", "body"], { slug: "Not a slug!" }),
      updateArticle: form(kb.updateArticleAction, ["slug", "title", "tags", "body", "revision"]),
      setArticleStatus: form(kb.setArticleStatusAction, ["slug", "status"]),
      createApiKey: form(keys.createApiKeyAction as never, ["name", "scopes"]),
      revokeApiKey: form(keys.revokeApiKeyAction, ["id"]),
      // An SLA that is never a number and a group that is never an id, so junk cannot make a real group or rule.
      saveReviewGroup: form(routing.saveGroupAction, ["name", "description", "member", "overflowGroupId"], {
        slaMinutes: "soon",
      }),
      deleteReviewGroup: form(routing.deleteGroupAction, ["id"]),
      saveRoutingRule: form(routing.saveRuleAction, ["name", "kinds", "teams", "firedRules"], {
        groupId: "none",
      }),
      deleteRoutingRule: form(routing.deleteRuleAction, ["id"]),
      moveRoutingRule: form(routing.moveRuleAction, ["id", "direction"]),
      // Without a userId it ends one's own sessions (a valid call): every call here names a bad one.
      signOutEverywhere: (v) => session.signOutEverywhereAction({ userId: v ?? "" } as { userId?: string }),
    };
    const r = prng(20261201);
    const calls: [string, unknown][] = [];
    for (const name of Object.keys(actions)) for (const value of JUNK) calls.push([name, value]);
    // Mixed objects: each action's likely fields filled with junk.
    while (calls.length < 1_200) {
      const value: Record<string, unknown> = {};
      for (const field of [
        "draftId",
        "versionId",
        "actionId",
        "decision",
        "version",
        "finalText",
        "rules",
        "instructions",
        "limit",
        "userId",
      ]) {
        if (r.next() < 0.4) value[field] = r.pick(JUNK.slice(0, 30));
      }
      calls.push([r.pick(Object.keys(actions)), value]);
    }

    const before = withoutAudit(await databaseFingerprint(handle.db));
    const auditBefore = (await handle.db.select({ id: auditLog.id }).from(auditLog)).map((a) => a.id);
    const tally = { refused: 0, accepted: 0, serverError: 0 };
    const accepted = new Set<string>();
    const serverErrors: string[] = [];
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (const [name, value] of calls) {
      try {
        const result = (await actions[name]?.(value)) as { ok?: boolean; error?: string } | undefined;
        if (result?.ok === false && /on our side/.test(result.error ?? "")) {
          tally.serverError++;
          serverErrors.push(`${name}(${JSON.stringify(value)?.slice(0, 80)}): ${result.error}`);
        } else if (result?.ok === false || result?.error) tally.refused++;
        else {
          tally.accepted++;
          accepted.add(name);
        }
      } catch (error) {
        if (String(error).includes("NEXT_REDIRECT")) {
          accepted.add(name);
          tally.accepted++; // a success that redirects: the fingerprint below says whether it wrote
          continue;
        }
        tally.serverError++;
        serverErrors.push(
          `${name}(${JSON.stringify(value)?.slice(0, 80)}) threw ${String(error).slice(0, 200)}`,
        );
      }
    }
    logged.mockRestore();
    console.info(
      `server-action fuzz: ${calls.length} calls, ${JSON.stringify(tally)}, accepted by ${[...accepted].join(", ") || "none"}`,
    );
    expect(serverErrors.slice(0, 20)).toEqual([]);
    expect(withoutAudit(await databaseFingerprint(handle.db))).toEqual(before);
    const added = await handle.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(notInArray(auditLog.id, [...auditBefore, -1]));
    expect(added).toEqual([]);
  }, 600_000);
});

/** The audit log is compared by its new rows (ids), which must be none. */
const withoutAudit = ({ audit_log: _a, ...rest }: Record<string, string>) => rest;
