import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { seedDemo } from "@/db/seed";
import { loadMetricsReport, parseMetricsQuery } from "@/lib/metrics/report";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { amplifyHistory, assignFates, buildDemoHistory } from "./history";
import { removeDemoData } from "./remove";

const NOW = new Date("2026-11-24T12:00:00Z");

async function one<T>(handle: TestDatabase, query: ReturnType<typeof sql>): Promise<T> {
  return rowsOf<T>(await handle.db.execute(query))[0] as T;
}

describe("assignFates", () => {
  it("takes turns from the newest: new, pending, decided, until both quotas are met", () => {
    // Oldest first. From the newest: new, pending, decided, new, pending; the rest decided.
    expect(assignFates(10, 2, 2)).toEqual([
      ...Array(5).fill("decided"),
      "pending",
      "new",
      "decided",
      "pending",
      "new",
    ]);
    // Once one quota is used up, the other takes its turns: new, pending, decided, pending, pending.
    expect(assignFates(7, 1, 3)).toEqual([
      "decided",
      "decided",
      "pending",
      "pending",
      "decided",
      "pending",
      "new",
    ]);
  });
});

describe.each(availableDrivers())("the demo history on %s", (driver) => {
  let handle: TestDatabase;
  let summary: Awaited<ReturnType<typeof buildDemoHistory>>;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    await seedDemo(handle.db, { now: NOW, ticketsPerIntent: 1 });
    summary = await buildDemoHistory(handle.db, { now: NOW, leaveNew: 5, leavePending: 5 });
  }, 120_000);
  afterAll(() => handle?.destroy());

  it("drafts every ticket but the new ones, and decides all but the pending ones", async () => {
    // 27 Bitext intents x 1 + 17 handwritten = 44 tickets: 5 new, 5 pending, 34 decided.
    expect(summary).toMatchObject({ drafted: 39, decided: 34, pending: 5, undrafted: 5, failedRuns: 0 });
    const counts = await one<{ new: number; drafted: number; undecided: number; decidedTickets: number }>(
      handle,
      sql`select (select count(*) from tickets where status = 'new'
                    and not exists (select 1 from agent_runs r where r.ticket_id = tickets.id))::int as new,
                 (select count(distinct ticket_id) from agent_runs)::int as drafted,
                 (select count(distinct ticket_id) from agent_actions
                    where status in ('pending_review', 'blocked'))::int as undecided,
                 (select count(distinct ticket_id) from reviews)::int as "decidedTickets"`,
    );
    expect(counts).toEqual({ new: 5, drafted: 39, undecided: 5, decidedTickets: 34 });
  });

  it("marks everything demo and leaves no cache entry behind", async () => {
    const flags = await one<{ runs: number; reviews: number; cached: number }>(
      handle,
      sql`select (select count(*) from agent_runs where not demo)::int as runs,
                 (select count(*) from reviews where not demo)::int as reviews,
                 (select count(*) from agent_runs where cache_key is not null)::int as cached`,
    );
    expect(flags).toEqual({ runs: 0, reviews: 0, cached: 0 });
  });

  it("puts every timestamp where it belongs: after the ticket, in order, before now", async () => {
    const bad = await one<{ early: number; late: number; order: number; undelivered: number; audit: number }>(
      handle,
      sql`select
            (select count(*) from agent_runs r join tickets t on t.id = r.ticket_id
               where r.started_at < t.created_at + interval '2 minutes'
                  or r.started_at > t.created_at + interval '31 minutes')::int as early,
            (select count(*) from reviews where created_at > ${NOW.toISOString()}::timestamptz - interval '1 minute')::int
              as late,
            (select count(*) from reviews v join agent_actions a on a.id = v.action_id
               join agent_runs r on r.id = a.run_id
               where a.created_at < r.started_at or v.created_at < a.created_at
                  or a.decided_at <> v.created_at or v.proposed_at <> a.created_at)::int as order,
            (select count(*) from outbox where status <> 'sent' or sent_at is null)::int as undelivered,
            (select count(*) from audit_log where created_at > ${NOW.toISOString()}::timestamptz)::int as audit`,
    );
    expect(bad).toEqual({ early: 0, late: 0, order: 0, undelivered: 0, audit: 0 });
  });

  it("leaves the queue minutes to a few hours old and the decided history spread over weeks", async () => {
    const ages = await one<{ undecided: number; youngest: number; oldest: number; oldestReview: number }>(
      handle,
      sql`select count(*)::int as undecided,
                 min(extract(epoch from ${NOW.toISOString()}::timestamptz - a.created_at) / 60)::float8 as youngest,
                 max(extract(epoch from ${NOW.toISOString()}::timestamptz - a.created_at) / 60)::float8 as oldest,
                 (select max(extract(epoch from ${NOW.toISOString()}::timestamptz - v.created_at) / 86400)
                    from reviews v)::float8 as "oldestReview"
          from agent_actions a where a.status in ('pending_review', 'blocked')`,
    );
    expect(ages.undecided).toBeGreaterThan(0);
    // Every waiting action was drafted 3 to 210 minutes ago: under any demo group's SLA target.
    expect(ages.youngest).toBeGreaterThanOrEqual(3);
    expect(ages.oldest).toBeLessThanOrEqual(210);
    expect(ages.oldestReview).toBeGreaterThan(14);
  });

  it("derives decisions from the intent label: escalations the intent requires are approved", async () => {
    const rows = rowsOf<{ intent: string; decision: string }>(
      await handle.db.execute(sql`
        select t.intent, v.decision from reviews v
        join agent_actions a on a.id = v.action_id join tickets t on t.id = v.ticket_id
        where a.kind = 'escalation' and t.intent in ('contact_human_agent', 'payment_issue', 'legal_threat')`),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.decision))).toEqual(new Set(["approve"]));
    const edits = await one<{ n: number; fromReference: number }>(
      handle,
      sql`select count(*)::int as n,
                 count(*) filter (where v.final_text = trim(t.metadata->>'referenceReply'))::int as "fromReference"
          from reviews v join tickets t on t.id = v.ticket_id where v.decision = 'edit'`,
    );
    expect(edits.n).toBeGreaterThan(0);
    expect(edits.fromReference).toBe(edits.n);
  });

  it("gives the dashboard a non-empty 30 days", async () => {
    // The seed spreads tickets over the 30 days before NOW (noon): ask from the day before that.
    const report = await loadMetricsReport(handle.db, parseMetricsQuery({ from: "2026-10-24" }, NOW));
    expect(report.headline.current.runs).toBe(39);
    expect(report.headline.current.reviewedActions).toBe(summary.reviews);
    expect(report.headline.current.decisionQuality).not.toBeNull();
    // Time to review runs from the proposal to the decision: never negative.
    expect(report.headline.current.timeToReviewP50Seconds).toBeGreaterThan(0);
  });

  it("a second build changes nothing", async () => {
    expect(await buildDemoHistory(handle.db, { now: NOW, leaveNew: 5, leavePending: 5 })).toMatchObject({
      drafted: 0,
      reviews: 0,
    });
  });

  it("amplifies to exactly N reviews, clones inside the 30 days, and continues on a second call", async () => {
    const before = await one<{ reviews: number; steps: number; tickets: number }>(
      handle,
      sql`select (select count(*) from reviews)::int as reviews, (select count(*) from agent_steps)::int as steps,
                 (select count(*) from tickets)::int as tickets`,
    );
    const target = before.reviews * 2 + 7;
    const first = await amplifyHistory(handle.db, { reviews: target, now: NOW, batchReviews: 50 });
    expect(first.totalReviews).toBe(target);
    const after = await one<{
      reviews: number;
      clones: number;
      outside: number;
      nonDemo: number;
      orphans: number;
    }>(
      handle,
      sql`select (select count(*) from reviews)::int as reviews,
                 (select count(*) from tickets where external_id ~ '~[0-9]+$')::int as clones,
                 (select count(*) from reviews where created_at > ${NOW.toISOString()}::timestamptz
                    or created_at < ${NOW.toISOString()}::timestamptz - interval '30 days')::int as outside,
                 (select count(*) from tickets where not demo)::int as "nonDemo",
                 (select count(*) from agent_actions a where not exists
                    (select 1 from agent_runs r where r.id = a.run_id and r.ticket_id = a.ticket_id))::int as orphans`,
    );
    expect(after).toMatchObject({ reviews: target, outside: 0, nonDemo: 0, orphans: 0 });
    expect(after.clones).toBe(first.tickets);
    expect(first.steps).toBeGreaterThan(first.runs * 5);

    const second = await amplifyHistory(handle.db, { reviews: target + 3, now: NOW, steps: false });
    expect(second).toMatchObject({ reviews: 3, steps: 0, totalReviews: target + 3 });
    expect(await amplifyHistory(handle.db, { reviews: 10, now: NOW })).toMatchObject({ reviews: 0 });
  });

  it("npm run demo:remove deletes every demo row and keeps the seed the app runs on", async () => {
    const removed = await removeDemoData(handle.db);
    expect(removed.tickets).toBeGreaterThan(42);
    expect(removed.reviews).toBeGreaterThan(summary.reviews);
    const left = await one<Record<string, number>>(
      handle,
      sql`select (select count(*) from tickets)::int as tickets, (select count(*) from agent_runs)::int as runs,
                 (select count(*) from agent_steps)::int as steps, (select count(*) from reviews)::int as reviews,
                 (select count(*) from outbox)::int as outbox,
                 (select count(*) from audit_log where entity_type = 'agent_action')::int as audit,
                 (select count(*) from users)::int as users, (select count(*) from customers)::int as customers,
                 (select count(*) from kb_articles)::int as articles`,
    );
    expect(left).toMatchObject({ tickets: 0, runs: 0, steps: 0, reviews: 0, outbox: 0, audit: 0, users: 3 });
    expect(left.customers).toBeGreaterThan(0);
    expect(left.articles).toBeGreaterThan(0);
    expect(await removeDemoData(handle.db)).toMatchObject({ tickets: 0, reviews: 0 });
  });
});
