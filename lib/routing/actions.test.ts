import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, reviewGroups, routingRules, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { REVIEWER_FORBIDDEN, serveDatabase, signInAs } from "@/test/app-session";
import { useTestDatabase } from "@/test/db";

// The routing page's server actions as the app runs them: real scope checks against the database.
const actions = await import("@/app/(app)/routing/actions");
const prev = { ok: true as const };

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  return data;
}

describe("routing server actions", () => {
  const database = useTestDatabase();
  const signInByEmail = async (email: string) => {
    const [u] = await database.db.select().from(users).where(eq(users.email, email));
    signInAs({ id: u?.id as string });
    return u?.id as string;
  };

  beforeAll(async () => {
    serveDatabase(database.db);
    await seedDemo(database.db, { now: new Date("2026-11-01T12:00:00Z") });
  }, 120_000);

  it("refuses a reviewer every change, writing nothing", async () => {
    await signInByEmail("reviewer@example.com");
    const id = crypto.randomUUID();
    const results = await Promise.all([
      actions.saveGroupAction(prev, form({ name: "Mine", isDefault: "on" })),
      actions.deleteGroupAction(prev, form({ id })),
      actions.saveRuleAction(prev, form({ name: "Mine", groupId: id, kinds: "reply" })),
      actions.deleteRuleAction(prev, form({ id })),
      actions.moveRuleAction(prev, form({ id, direction: "up" })),
    ]);
    for (const r of results) expect(r).toEqual({ ok: false, error: REVIEWER_FORBIDDEN });
    expect(await database.db.select().from(reviewGroups)).toEqual([]);
  });

  it("lets an admin create groups and rules, saying how many pending actions moved", async () => {
    const adminId = await signInByEmail("admin@example.com");
    const [lee] = await database.db.select().from(users).where(eq(users.email, "legal@example.com"));
    const first = await actions.saveGroupAction(prev, form({ name: "Frontline", slaMinutes: "240" }));
    expect(first).toEqual({ ok: true, message: "Group “Frontline” saved; no pending actions moved." });
    const legal = await actions.saveGroupAction(
      prev,
      form({ name: "Legal", member: lee?.id as string, lead: lee?.id as string, slaMinutes: "480" }),
    );
    expect(legal.ok).toBe(true);
    const groups = await database.db.select().from(reviewGroups);
    expect(groups.find((g) => g.name === "Frontline")?.isDefault).toBe(true);
    const legalId = groups.find((g) => g.name === "Legal")?.id as string;
    const saved = await actions.saveRuleAction(
      prev,
      form({
        name: "Legal escalations",
        groupId: legalId,
        kinds: "escalation",
        teams: "legal",
        enabled: "on",
      }),
    );
    expect(saved).toEqual({ ok: true, message: "Rules saved; no pending actions moved." });
    const [rule] = await database.db.select().from(routingRules);
    expect(rule).toMatchObject({
      position: 1,
      match: { kinds: ["escalation"], teams: ["legal"] },
      enabled: true,
    });
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.actorId, adminId));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["routing.group.create", "routing.rule.create"]),
    );
  });

  it("answers a bad rule or group with errors beside the fields", async () => {
    await signInByEmail("admin@example.com");
    const [group] = await database.db.select().from(reviewGroups).where(eq(reviewGroups.name, "Legal"));
    const badValues = await actions.saveRuleAction(
      prev,
      form({ name: "", groupId: group?.id as string, teams: "lawyers", tiers: "platinum" }),
    );
    expect(badValues.ok).toBe(false);
    const errors = badValues.ok ? {} : (badValues.fieldErrors ?? {});
    expect(errors.name).toEqual(["Give the rule a name."]);
    expect(errors.teams?.[0]).toMatch(/“lawyers” is not a team/);
    expect(errors.tiers?.[0]).toMatch(/“platinum” is not a customer tier/);

    const noCondition = await actions.saveRuleAction(
      prev,
      form({ name: "Everything", groupId: group?.id as string }),
    );
    expect(noCondition.ok ? {} : noCondition.fieldErrors).toMatchObject({
      match: [expect.stringMatching(/at least one condition/)],
    });

    const unknownRule = await actions.saveRuleAction(
      prev,
      form({ name: "Fired", groupId: group?.id as string, firedRules: "no-such-rule" }),
    );
    expect(unknownRule.ok ? {} : unknownRule.fieldErrors?.firedRules?.[0]).toMatch(
      /Not a rule of the published policy/,
    );

    const badGroup = await actions.saveGroupAction(
      prev,
      form({ name: "Slow", slaMinutes: "ninety", hardLimitMinutes: "10" }),
    );
    expect(badGroup.ok ? {} : badGroup.fieldErrors?.slaMinutes?.[0]).toMatch(/whole minutes/);

    const undefault = await actions.saveGroupAction(
      prev,
      form({
        id: (await database.db.select().from(reviewGroups).where(eq(reviewGroups.isDefault, true)))[0]
          ?.id as string,
        name: "Frontline",
      }),
    );
    expect(undefault).toMatchObject({
      ok: false,
      error: expect.stringMatching(/make another group the default first/),
    });
  });
});
