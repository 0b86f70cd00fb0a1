import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, auditLog, customers, reviewGroups, routingRules, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { seedDemoRouting } from "@/db/seed/routing";
import { claimNextAction } from "@/lib/review/claims";
import { decideAction } from "@/lib/review/decide";
import { loadQueue } from "@/lib/review/queue";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { draftTicket } from "@/test/guardrail-history";
import { changeRouting } from "./change";
import { reapplyRouting } from "./reapply";
import { saveRule } from "./rules-store";
import { queueScope } from "./scope";

const NOW = new Date("2026-11-01T12:00:00Z");

describe.each(availableDrivers())("routing on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  const people: Record<"riley" | "lee" | "avery", { id: string; name: string; role: "reviewer" | "admin" }> =
    {} as never;
  let legal: Awaited<ReturnType<typeof draftTicket>>;
  let reply: Awaited<ReturnType<typeof draftTicket>>;

  const person = async (email: string) => {
    const [u] = await db
      .select({ id: users.id, name: users.name, role: users.role })
      .from(users)
      .where(eq(users.email, email));
    return u as (typeof people)["riley"];
  };
  const groupOf = async (actionId: string) => {
    const [row] = await db
      .select({ name: reviewGroups.name, routedBy: agentActions.routedBy })
      .from(agentActions)
      .leftJoin(reviewGroups, eq(reviewGroups.id, agentActions.groupId))
      .where(eq(agentActions.id, actionId));
    return row;
  };
  const queueIds = async (who: (typeof people)["riley"]) =>
    (await loadQueue(db, {}, who, { slaMinutes: 240, now: NOW })).items.map((i) => i.id);

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db, { now: NOW });
    people.riley = await person("reviewer@example.com");
    people.lee = await person("legal@example.com");
    people.avery = await person("admin@example.com");
    // A reply for an everyday question from a standard customer: no rule matches it.
    const [everyday] = await db
      .select({ externalId: tickets.externalId })
      .from(tickets)
      .innerJoin(customers, eq(customers.id, tickets.customerId))
      .where(and(eq(tickets.intent, "track_order"), eq(customers.tier, "standard")))
      .limit(1);
    reply = await draftTicket(db, everyday?.externalId as string);
    expect(await seedDemoRouting(db)).toBe(reply.actions.length);
    // Drafted while routing is on: placed as it is proposed.
    legal = await draftTicket(db, "hand-legal-2");
  }, 120_000);
  afterAll(() => handle?.destroy());

  const legalEscalation = () => legal.actions.find((a) => a.kind === "escalation")?.id as string;

  it("places a legal escalation in the Legal group as it is proposed, and the rest in the default", async () => {
    expect(await groupOf(legalEscalation())).toMatchObject({ name: "Legal" });
    expect((await groupOf(legalEscalation()))?.routedBy).toMatch(/^rule:/);
    for (const a of reply.actions)
      expect(await groupOf(a.id)).toEqual({ name: "Frontline", routedBy: "default" });
  });

  it("shows it to the legal reviewer only; Next never gives it to a frontline reviewer", async () => {
    expect(await queueScope(db, people.lee)).not.toBeNull();
    expect(await queueIds(people.lee)).toContain(legalEscalation());
    expect(await queueIds(people.lee)).not.toContain(reply.actions[0]?.id);
    expect(await queueIds(people.riley)).not.toContain(legalEscalation());
    expect(await queueIds(people.riley)).toContain(reply.actions[0]?.id);
    expect(await queueIds(people.avery)).toEqual(
      expect.arrayContaining([legalEscalation(), reply.actions[0]?.id]),
    );
    const page = await loadQueue(db, {}, people.lee, { slaMinutes: 240, now: NOW });
    expect(page.items.find((i) => i.id === legalEscalation())?.group).toBe("Legal");

    const scope = await queueScope(db, people.riley);
    const claimed: string[] = [];
    for (let i = 0; i < 50; i++) {
      const next = await claimNextAction(db, people.riley.id, 60_000, claimed, scope);
      if (!next) break;
      claimed.push(next.actionId);
    }
    expect(claimed).toContain(reply.actions[0]?.id);
    expect(claimed).not.toContain(legalEscalation());
    await db
      .update(agentActions)
      .set({ claimedBy: null, claimExpiresAt: null })
      .where(inArray(agentActions.id, claimed));
  });

  it("an admin's group filter narrows the queue to one group", async () => {
    const [legalGroup] = await db.select().from(reviewGroups).where(eq(reviewGroups.name, "Legal"));
    const page = await loadQueue(db, { group: legalGroup?.id }, people.avery, { slaMinutes: 240, now: NOW });
    expect(page.items.map((i) => i.id)).toEqual([legalEscalation()]);
    // A reviewer cannot widen their queue with it.
    const riley = await loadQueue(db, { group: legalGroup?.id }, people.riley, { slaMinutes: 240, now: NOW });
    expect(riley.items).toEqual([]);
  });

  it("re-applies a changed rule to pending actions only, leaves SLA moves and decided actions, and audits the counts", async () => {
    // The reply is decided; another pending action was moved by the SLA sweep.
    const decidedReply = reply.actions.find((a) => a.kind === "reply");
    if (!decidedReply) throw new Error("the everyday ticket proposed no reply");
    await decideAction(db, people.riley, {
      actionId: decidedReply.id,
      version: decidedReply.version,
      decision: "approve",
      reasonTags: [],
    });
    const [leads] = await db.select().from(reviewGroups).where(eq(reviewGroups.name, "Leads"));
    const slaMoved = legal.actions.find((a) => a.kind !== "escalation");
    if (slaMoved)
      await db
        .update(agentActions)
        .set({ groupId: leads?.id, routedBy: "sla" })
        .where(eq(agentActions.id, slaMoved.id));

    // Legal escalations now go to Leads: the pending one moves, the decided reply does not.
    const [rule] = await db.select().from(routingRules).where(eq(routingRules.name, "Legal escalations"));
    const { moved } = await changeRouting(db, people.avery.id, {
      action: "routing.rule.update",
      entityType: "routing_rule",
      apply: async (tx) => {
        const id = await saveRule(tx, {
          id: rule?.id,
          name: "Legal escalations",
          groupId: leads?.id as string,
          match: rule?.match ?? {},
          enabled: true,
        });
        return { id, data: {}, result: id };
      },
    });
    expect(moved).toBe(1);
    expect((await groupOf(legalEscalation()))?.name).toBe("Leads");
    expect(await groupOf(decidedReply.id)).toEqual({ name: "Frontline", routedBy: "default" });
    if (slaMoved) expect(await groupOf(slaMoved.id)).toEqual({ name: "Leads", routedBy: "sla" });
    // The change and the re-route after it are audited apart, both about the rule.
    const audit = await db
      .select({ action: auditLog.action, entityId: auditLog.entityId, data: auditLog.data })
      .from(auditLog)
      .where(inArray(auditLog.action, ["routing.rule.update", "routing.rerouted"]))
      .orderBy(auditLog.createdAt);
    expect(audit).toEqual([
      { action: "routing.rule.update", entityId: rule?.id, data: {} },
      { action: "routing.rerouted", entityId: rule?.id, data: { movedActions: 1, reroutedActions: 1 } },
    ]);

    // Nothing changed: applying again moves nothing.
    expect(await reapplyRouting(db)).toEqual({ moved: 0, routed: 0 });
  });

  it("routes nothing with no group left (routing off) and everything when the first group is created", async () => {
    await db.delete(reviewGroups);
    expect(await queueScope(db, people.riley)).toBeNull();
    await reapplyRouting(db);
    expect((await groupOf(legalEscalation()))?.name).toBeNull();
    await db.insert(reviewGroups).values({ name: "Everyone", isDefault: true });
    const { routed } = await reapplyRouting(db);
    expect(routed).toBeGreaterThan(0);
    expect(await groupOf(legalEscalation())).toEqual({ name: "Everyone", routedBy: "default" });
  });
});
