import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { getPublishedPolicyRow } from "@/db/queries/policies";
import {
  agentActions,
  auditLog,
  autopilotCategories,
  autopilotSamples,
  outbox,
  reviews,
  tickets,
  users,
} from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { OFFLINE_MODEL_ID } from "@/lib/agent/offline/model";
import { runAgent } from "@/lib/agent/run";
import { AppError } from "@/lib/errors";
import { decideAction, type Reviewer } from "@/lib/review/decide";
import { decisionSchema } from "@/lib/review/schema";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { categoryEligibility, promoteCategory } from "./categories";
import { isSampled } from "./rules";
import { loadCategoryStats } from "./stats";

const OFFLINE = { small: OFFLINE_MODEL_ID, large: OFFLINE_MODEL_ID, fallback: OFFLINE_MODEL_ID };
const TRACK = { intent: "track_order", actionKind: "reply" as const };

describe("earned autopilot", () => {
  let handle: TestDatabase;
  let db: Db;
  let policyVersionId: string;
  let reviewer: Reviewer;
  let admin: Reviewer;
  let template: string;
  let cloned = 0;

  /** A new ticket with the template's text: the offline agent answers it with one reply and nothing else. */
  async function newTicket(): Promise<string> {
    cloned++;
    const [row] = rowsOf<{ id: string }>(
      await db.execute(sql`
      insert into tickets (external_id, customer_id, from_email, subject, body, channel, intent, metadata,
                           triage_intent, triage_category, triage_confidence)
      select 'autopilot-' || ${cloned}::int, customer_id, from_email, subject, body, channel, intent, metadata,
             triage_intent, triage_category, triage_confidence
      from tickets where id = ${template}
      returning id`),
    );
    if (!row) throw new Error("the template ticket vanished");
    return row.id;
  }

  async function draft(ticketId: string) {
    const outcome = await runAgent(db, ticketId, { models: OFFLINE, useCache: false });
    expect(outcome.actions).toHaveLength(1);
    const [action] = outcome.actions;
    return action as { id: string; kind: string; status: string };
  }

  async function actionOf(id: string) {
    const [row] = await db.select().from(agentActions).where(eq(agentActions.id, id));
    return row;
  }

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    await seedDemo(db, { now: new Date("2026-11-01T12:00:00Z") });
    const policy = await getPublishedPolicyRow(db);
    if (!policy) throw new Error("the seed publishes a policy");
    policyVersionId = policy.id;
    const people = await db.select({ id: users.id, name: users.name, role: users.role }).from(users);
    reviewer = people.find((u) => u.role === "reviewer") as Reviewer;
    admin = people.find((u) => u.role === "admin") as Reviewer;

    // A seeded order-tracking ticket the offline agent answers with a reply alone.
    const candidates = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.triageIntent, "track_order"), eq(tickets.triageCategory, "none")))
      .orderBy(asc(tickets.externalId));
    for (const c of candidates) {
      const outcome = await runAgent(db, c.id, { models: OFFLINE, useCache: false });
      if (outcome.actions.length === 1 && outcome.actions[0]?.status === "pending_review") {
        template = c.id;
        break;
      }
    }
    if (!template) throw new Error("no seeded order-tracking ticket gets a reply alone");

    // 250 order-tracking replies approved as proposed by people, under the published policy.
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) ids.push(await newTicket());
    const idList = sql`(select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`;
    await db.execute(sql`
      with r as (
        insert into agent_runs (ticket_id, policy_version_id, status, model, ended_at)
        select id, ${policyVersionId}::uuid, 'succeeded', ${OFFLINE_MODEL_ID}, now()
        from tickets where id in ${idList}
        returning id, ticket_id
      ), a as (
        insert into agent_actions (run_id, ticket_id, kind, status, payload, decided_at)
        select id, ticket_id, 'reply', 'approved', '{"text": "Your order is on its way."}'::jsonb, now() from r
        returning id, run_id, ticket_id, created_at
      )
      insert into reviews (action_id, ticket_id, action_kind, run_id, proposed_at, model, policy_version_id,
                           reviewer_id, decision, original_text, final_text, edit_distance)
      select id, ticket_id, 'reply', run_id, created_at, ${OFFLINE_MODEL_ID}, ${policyVersionId}::uuid,
             ${reviewer.id}::uuid, 'approve', 'Your order is on its way.', 'Your order is on its way.', 0
      from a`);
    await db.execute(sql`update tickets set status = 'resolved' where id in ${idList}`);
  }, 300_000);
  afterAll(() => handle?.destroy());

  it("a category with 250 approved-as-is reviews becomes eligible; others are refused", async () => {
    const stats = await loadCategoryStats(db, policyVersionId, null, TRACK);
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ reviewed: 250, approvedAsIs: 250, edited: 0, autoApproved: 0 });
    const check = await categoryEligibility(db, policyVersionId, TRACK, null);
    expect(check.eligible).toBe(true);
    expect(check.lowerBound).toBeCloseTo(0.9849, 4);

    const refused = await promoteCategory(db, admin, {
      policyVersionId,
      intent: "payment_issue",
      actionKind: "reply",
      since: null,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(await db.select().from(autopilotCategories)).toEqual([]);
  });

  it("once promoted, its next actions are auto-approved, with a sample left to people", async () => {
    await promoteCategory(db, admin, { policyVersionId, ...TRACK, since: null });
    const [promoted] = await db.select().from(autopilotCategories);
    expect(promoted).toMatchObject({ policyVersionId, ...TRACK, promotedBy: admin.id });
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, "autopilot.promoted"));
    expect(audit).toMatchObject({ actorId: admin.id, entityId: "track_order:reply" });

    const approved: string[] = [];
    const sampled: string[] = [];
    while (sampled.length < 6 && approved.length + sampled.length < 400) {
      const action = await draft(await newTicket());
      (isSampled(action.id, 0.1) ? sampled : approved).push(action.id);
    }
    expect(sampled).toHaveLength(6);

    const autoReviews = await db.select().from(reviews).where(inArray(reviews.actionId, approved));
    expect(autoReviews).toHaveLength(approved.length);
    for (const r of autoReviews)
      expect(r).toMatchObject({ source: "auto", reviewerId: null, decision: "approve" });
    const messages = await db.select().from(outbox).where(inArray(outbox.actionId, approved));
    expect(messages).toHaveLength(approved.length);
    const statuses = await db
      .select({ status: agentActions.status })
      .from(agentActions)
      .where(inArray(agentActions.id, approved));
    expect(new Set(statuses.map((s) => s.status))).toEqual(new Set(["approved"]));
    const systemAudits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "review.approve"), eq(auditLog.actorType, "system")));
    expect(systemAudits).toHaveLength(approved.length);

    // The sample waits for people like any action: no review, no message, nothing marked on the action.
    expect(await db.select().from(reviews).where(inArray(reviews.actionId, sampled))).toEqual([]);
    for (const id of sampled)
      expect(await actionOf(id)).toMatchObject({ status: "pending_review", version: 1 });
    const samples = await db.select().from(autopilotSamples);
    expect(samples.map((s) => s.actionId).sort()).toEqual([...sampled].sort());

    // The category's figures keep auto-approvals apart from the evidence.
    const [stats] = await loadCategoryStats(db, policyVersionId, null, TRACK);
    expect(stats).toMatchObject({ reviewed: 250, approvedAsIs: 250, autoApproved: approved.length });

    // A run of rejected samples demotes it at once; an auto-approval still held returns to people.
    const reject = (id: string) =>
      decideAction(
        db,
        reviewer,
        decisionSchema.parse({ decision: "reject", actionId: id, version: 1, reason: "Wrong order status." }),
      );
    for (const id of sampled.slice(0, 5)) await reject(id);
    expect(await db.select().from(autopilotCategories)).toHaveLength(1);
    let held: string | null = null;
    while (!held) {
      const action = await draft(await newTicket());
      if (!isSampled(action.id, 0.1)) held = action.id;
      else sampled.push(action.id);
    }
    expect(await actionOf(held)).toMatchObject({ status: "approved" });
    await reject(sampled[5] as string);

    expect(await db.select().from(autopilotCategories)).toEqual([]);
    const [demoted] = await db.select().from(auditLog).where(eq(auditLog.action, "autopilot.demoted"));
    expect(demoted).toMatchObject({ actorType: "system", actorId: null, entityId: "track_order:reply" });
    expect(demoted?.data).toMatchObject({ reviewed: 256, approvedAsIs: 250 });
    // Every auto-approval whose message was still held (the undo window) is back with people.
    const returned = (demoted?.data as { returned?: string[] } | undefined)?.returned ?? [];
    expect(returned).toContain(held);
    for (const id of returned) {
      expect(await actionOf(id)).toMatchObject({ status: "pending_review", version: 3, decidedAt: null });
      expect(await db.select().from(reviews).where(eq(reviews.actionId, id))).toEqual([]);
      expect(await db.select().from(outbox).where(eq(outbox.actionId, id))).toEqual([]);
    }
    const delivered = approved.filter((id) => !returned.includes(id));
    expect(await db.select().from(outbox).where(inArray(outbox.actionId, delivered))).toHaveLength(
      delivered.length,
    );
    for (const id of sampled.slice(6)) expect(await actionOf(id)).toMatchObject({ status: "pending_review" });

    // From now on the category's actions simply wait for people.
    const after = await draft(await newTicket());
    expect(await actionOf(after.id)).toMatchObject({ status: "pending_review" });
    expect(await db.select().from(reviews).where(eq(reviews.actionId, after.id))).toEqual([]);
    expect(await db.select().from(autopilotSamples).where(eq(autopilotSamples.actionId, after.id))).toEqual(
      [],
    );
  }, 600_000);
});
