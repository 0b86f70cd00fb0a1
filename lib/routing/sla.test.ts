import { EventEmitter } from "node:events";
import { and, eq, inArray } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, auditLog, outbox, reviews, tickets } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { startSlaSweeps } from "@/lib/jobs/sla-sweeps";
import { decideAction, SLA_LIMIT } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { insertGroup, insertPerson, insertWaitingAction, minutesAgo } from "@/test/sla-fixture";
import { sweepSla } from "./sla";
import { SLA_ESCALATION_TEAM } from "./sla-limit";
import { SLA_FLAGGED, SLA_MOVED } from "./sla-move";

describe.each(availableDrivers())("SLA sweep on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let leads: string;
  let frontline: string;
  let solo: string;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    leads = await insertGroup(db, { name: "Leads" });
    frontline = await insertGroup(db, {
      name: "Frontline",
      slaMinutes: 240,
      hardLimitMinutes: 2880,
      overflowGroupId: leads,
    });
    solo = await insertGroup(db, { name: "Solo", slaMinutes: 60 });
  }, 60_000);

  afterAll(async () => {
    await handle?.destroy();
  });

  const action = async (id: string) => {
    const [row] = await db.select().from(agentActions).where(eq(agentActions.id, id));
    if (!row) throw new Error(`action ${id} vanished`);
    return row;
  };
  const audits = (id: string) =>
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "agent_action"), eq(auditLog.entityId, id)));
  const reviewsOf = (ids: string[]) => db.select().from(reviews).where(inArray(reviews.actionId, ids));

  it("moves an action past its group's target to the overflow group, flagged, and leaves a fresh one", async () => {
    const overdue = await insertWaitingAction(db, { groupId: frontline, ageMinutes: 300 });
    const fresh = await insertWaitingAction(db, { groupId: frontline, ageMinutes: 10 });
    await sweepSla(db);
    const moved = await action(overdue.id);
    expect(moved).toMatchObject({
      groupId: leads,
      routedBy: "sla",
      slaFromGroupId: frontline,
      status: "pending_review",
      version: 1,
    });
    expect(moved.slaBreachedAt).toBeInstanceOf(Date);
    const [audit] = await audits(overdue.id);
    expect(audit).toMatchObject({ actorType: "system", action: SLA_MOVED, actorId: null });
    expect(audit?.data).toMatchObject({ fromGroupId: frontline, toGroupId: leads, slaMinutes: 240 });
    expect(await action(fresh.id)).toMatchObject({
      groupId: frontline,
      routedBy: "default",
      slaBreachedAt: null,
    });

    // A second sweep finds nothing more to do with either.
    await sweepSla(db);
    expect((await action(overdue.id)).slaBreachedAt).toEqual(moved.slaBreachedAt);
    expect(await audits(overdue.id)).toHaveLength(1);
    expect(await audits(fresh.id)).toHaveLength(0);
  });

  it("flags an overdue action where it is when its group has no overflow group", async () => {
    const overdue = await insertWaitingAction(db, { groupId: solo, ageMinutes: 90 });
    await sweepSla(db);
    const row = await action(overdue.id);
    expect(row).toMatchObject({ groupId: solo, routedBy: "default", slaFromGroupId: null });
    expect(row.slaBreachedAt).toBeInstanceOf(Date);
    expect((await audits(overdue.id)).map((a) => a.action)).toEqual([SLA_FLAGGED]);
  });

  it("escalates an action past the hard limit as a system decision: never approved, nothing sent", async () => {
    const late = await insertWaitingAction(db, { groupId: frontline, ageMinutes: 3000 });
    const refund = await insertWaitingAction(db, { groupId: frontline, ageMinutes: 2900, kind: "refund" });
    await sweepSla(db);
    for (const { id, ticketId } of [late, refund]) {
      const row = await action(id);
      expect(row.status).toBe("escalated");
      const [review] = await reviewsOf([id]);
      expect(review).toMatchObject({
        source: "system",
        decision: "escalate",
        reviewerId: null,
        groupId: frontline,
        slaMinutes: 240,
        escalation: { team: SLA_ESCALATION_TEAM },
      });
      expect(review?.escalation?.reason).toMatch(
        /^Waited (3000|2900|2901) minutes without review, past the hard limit of 2880 minutes$/,
      );
      const [ticket] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
      expect(ticket?.status).toBe("escalated");
      expect(await db.select().from(outbox).where(eq(outbox.actionId, id))).toHaveLength(0);
      const trail = await audits(id);
      expect(trail.map((a) => [a.action, a.actorType])).toEqual([["review.escalate", "system"]]);
    }
  });

  it("escalates an action moved to a group without a hard limit by the hard limit of the group it left", async () => {
    const moved = await insertWaitingAction(db, { groupId: leads, ageMinutes: 2900 });
    await db
      .update(agentActions)
      .set({ slaFromGroupId: frontline, routedBy: "sla", slaBreachedAt: minutesAgo(2660) })
      .where(eq(agentActions.id, moved.id));
    const inLeads = await insertWaitingAction(db, { groupId: leads, ageMinutes: 5000 });
    await sweepSla(db);
    expect((await action(moved.id)).status).toBe("escalated");
    const [review] = await reviewsOf([moved.id]);
    expect(review).toMatchObject({ source: "system", groupId: leads, slaMinutes: 240 });
    // Leads has no SLA and no hard limit: an action routed there waits for a lead.
    expect(await action(inLeads.id)).toMatchObject({ status: "pending_review", slaBreachedAt: null });
  });

  it("leaves an action someone holds a live claim on; an expired claim does not protect it", async () => {
    const person = await insertPerson(db, "Claire Holder");
    const live = new Date(Date.now() + 10 * 60_000);
    const claimedOverdue = await insertWaitingAction(db, {
      groupId: frontline,
      ageMinutes: 300,
      claimedBy: person.id,
      claimExpiresAt: live,
    });
    const claimedLate = await insertWaitingAction(db, {
      groupId: frontline,
      ageMinutes: 3000,
      claimedBy: person.id,
      claimExpiresAt: live,
    });
    const expiredLate = await insertWaitingAction(db, {
      groupId: frontline,
      ageMinutes: 3000,
      claimedBy: person.id,
      claimExpiresAt: minutesAgo(1),
    });
    await sweepSla(db);
    expect(await action(claimedOverdue.id)).toMatchObject({ groupId: frontline, slaBreachedAt: null });
    expect(await action(claimedLate.id)).toMatchObject({ status: "pending_review", claimedBy: person.id });
    expect(await action(expiredLate.id)).toMatchObject({ status: "escalated", claimedBy: null });
    // The person holding the claim decides as usual.
    const current = await action(claimedLate.id);
    await decideAction(
      db,
      person,
      decisionSchema.parse({
        decision: "reject",
        actionId: current.id,
        version: current.version,
        reason: "Spam.",
      }),
    );
    expect(await reviewsOf([claimedLate.id])).toMatchObject([{ source: "person", groupId: frontline }]);
  });

  it("two sweeps at once escalate and move each action once", async () => {
    const late = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        insertWaitingAction(db, {
          groupId: frontline,
          ageMinutes: 3000 + i,
          kind: i % 3 ? "reply" : "refund",
        }),
      ),
    );
    const overdue = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        insertWaitingAction(db, { groupId: frontline, ageMinutes: 300 + i }),
      ),
    );
    const [a, b] = await Promise.all([sweepSla(db), sweepSla(db)]);
    const lateIds = late.map((l) => l.id);
    const overdueIds = overdue.map((o) => o.id);
    const escalations = await reviewsOf(lateIds);
    expect(escalations).toHaveLength(6);
    expect(escalations.every((r) => r.source === "system" && r.decision === "escalate")).toBe(true);
    expect((a?.escalated ?? 0) + (b?.escalated ?? 0)).toBeGreaterThanOrEqual(6);
    const escalationAudits = await db
      .select()
      .from(auditLog)
      .where(and(inArray(auditLog.entityId, lateIds), eq(auditLog.action, "review.escalate")));
    expect(escalationAudits).toHaveLength(6);
    const moves = await db
      .select()
      .from(auditLog)
      .where(and(inArray(auditLog.entityId, overdueIds), eq(auditLog.action, SLA_MOVED)));
    expect(moves).toHaveLength(4);
    for (const id of overdueIds) expect((await action(id)).groupId).toBe(leads);
    expect(await db.select().from(outbox).where(inArray(outbox.actionId, lateIds))).toHaveLength(0);
  });

  it("a working process sweeps as soon as its queue starts, and stops with it", async () => {
    const overdue = await insertWaitingAction(db, { groupId: frontline, ageMinutes: 250 });
    const boss = new EventEmitter();
    startSlaSweeps(db, boss as unknown as PgBoss);
    await expect.poll(async () => (await action(overdue.id)).groupId, { timeout: 10_000 }).toBe(leads);
    boss.emit("stopped");
  });

  it("the system can only escalate", async () => {
    const late = await insertWaitingAction(db, { groupId: solo, ageMinutes: 5 });
    const approve = decisionSchema.parse({ decision: "approve", actionId: late.id, version: 1 });
    await expect(decideAction(db, SLA_LIMIT, approve)).rejects.toBeInstanceOf(AppError);
    expect((await action(late.id)).status).toBe("pending_review");
  });

  it("a person's decision records the action's group and the SLA it was held to", async () => {
    const person = await insertPerson(db, "Dee Cider");
    const inGroup = await insertWaitingAction(db, { groupId: frontline, ageMinutes: 20 });
    const unrouted = await insertWaitingAction(db, { groupId: null, ageMinutes: 20 });
    for (const { id } of [inGroup, unrouted]) {
      await decideAction(
        db,
        person,
        decisionSchema.parse({ decision: "reject", actionId: id, version: 1, reason: "Not needed." }),
      );
    }
    const [first] = await reviewsOf([inGroup.id]);
    const [second] = await reviewsOf([unrouted.id]);
    expect(first).toMatchObject({ groupId: frontline, slaMinutes: 240, source: "person" });
    expect(second).toMatchObject({ groupId: null, slaMinutes: null });
  });
});
