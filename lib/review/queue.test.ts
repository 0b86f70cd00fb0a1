import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { agentActions, agentRuns, policyVersions, tickets, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { generateBulkHistory } from "@/db/seed/bulk";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { loadQueue, type QueueParams, type QueueRow } from "./queue";

const NOW = new Date("2026-11-01T12:00:00Z");
const SLA = 240;
const MINUTE = 60_000;
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * MINUTE);

interface Person {
  id: string;
  name: string;
  role: "reviewer" | "admin";
}

/** The whole queue for these filters, page after page, as the UI would walk it. */
async function walk(db: Db, params: QueueParams, viewer: Person) {
  const pages = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await loadQueue(db, { ...params, cursor }, viewer, { slaMinutes: SLA, now: NOW });
    pages.push(page);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { pages, items: pages.flatMap((p) => p.items) };
}

/** Undecided actions straight from the table, in queue order. */
async function expectedOrder(db: Db, where = sql`true`): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      select a.id from agent_actions a join tickets t on t.id = a.ticket_id
      where a.status in ('pending_review', 'blocked') and ${where}
      order by a.created_at, a.id`),
  );
  return rows.map((r) => r.id);
}

describe.each(availableDrivers())("review queue on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let viewer: Person;
  let other: Person;
  let policyId: string;
  const manual: Record<string, string> = {};
  /** The 25th action before the ties were added: four more share its created_at. */
  let boundaryId = "";

  /** One ticket with one finished run and one action, all under our control. */
  async function addAction(
    key: string,
    spec: {
      subject: string;
      createdAt: Date | SQL;
      kind?: "reply" | "escalation" | "refund";
      status?: "pending_review" | "blocked" | "approved";
      claimedBy?: string;
      claimExpiresAt?: Date;
    },
  ) {
    const [ticket] = await db
      .insert(tickets)
      .values({
        externalId: `queue-test-${key}`,
        fromEmail: `${key}@customer.test`,
        subject: spec.subject,
        body: "Body.",
        intent: "track_order",
        status: "awaiting_review",
        createdAt: spec.createdAt,
      })
      .returning({ id: tickets.id });
    const [run] = await db
      .insert(agentRuns)
      .values({
        ticketId: ticket?.id as string,
        policyVersionId: policyId,
        status: "succeeded",
        model: "openai:gpt-4.1-mini",
      })
      .returning({ id: agentRuns.id });
    const kind = spec.kind ?? "reply";
    const [action] = await db
      .insert(agentActions)
      .values({
        runId: run?.id as string,
        ticketId: ticket?.id as string,
        kind,
        status: spec.status ?? (kind === "refund" ? "blocked" : "pending_review"),
        blockedBy: kind === "refund" ? "no-payments" : null,
        payload:
          kind === "escalation"
            ? { reason: "Legal threat.", team: "legal", urgency: "high", ruleIds: [] }
            : kind === "refund"
              ? { orderNumber: "ORD-000001", amountCents: 500, reason: "Broken." }
              : { text: "On its way.", citations: [], model: "openai:gpt-4.1-mini" },
        claimedBy: spec.claimedBy ?? null,
        claimExpiresAt: spec.claimExpiresAt ?? null,
        createdAt: spec.createdAt,
      })
      .returning({ id: agentActions.id });
    manual[key] = action?.id as string;
  }

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db, { now: NOW });
    const summary = await generateBulkHistory(db, {
      tickets: 80,
      stepsPerRun: 2,
      undecidedShare: 0.8,
      now: NOW,
    });
    expect(summary).toEqual({ tickets: 80, runs: 80, steps: 160, actions: 80 });
    const [policy] = await db
      .select({ id: policyVersions.id })
      .from(policyVersions)
      .where(sql`${policyVersions.status} = 'published'`);
    policyId = policy?.id as string;
    const people = await db
      .insert(users)
      .values([
        { email: `viewer-${driver}@example.test`, name: "Vera Viewer", passwordHash: "x" },
        { email: `other-${driver}@example.test`, name: "Olly Other", passwordHash: "x" },
      ])
      .returning({ id: users.id, name: users.name, role: users.role });
    [viewer, other] = people as [Person, Person];

    await addAction("late", { subject: "Parcel stuck in Zanzibar customs", createdAt: minutesAgo(300) });
    await addAction("fresh", { subject: "Fresh question", createdAt: minutesAgo(10) });
    await addAction("future", { subject: "Clock skew", createdAt: new Date(NOW.getTime() + 5 * MINUTE) });
    await addAction("legal", {
      subject: "My lawyer will call",
      createdAt: minutesAgo(20),
      kind: "escalation",
    });
    await addAction("held", {
      subject: "Held by another",
      createdAt: minutesAgo(30),
      claimedBy: other.id,
      claimExpiresAt: new Date(NOW.getTime() + 5 * MINUTE),
    });
    await addAction("mine", {
      subject: "Held by me",
      createdAt: minutesAgo(31),
      claimedBy: viewer.id,
      claimExpiresAt: new Date(NOW.getTime() + 5 * MINUTE),
    });
    await addAction("lapsed", {
      subject: "Lapsed claim",
      createdAt: minutesAgo(32),
      claimedBy: other.id,
      claimExpiresAt: new Date(NOW.getTime() - MINUTE),
    });
    await addAction("done", {
      subject: "Zanzibar, already answered",
      createdAt: minutesAgo(40),
      status: "approved",
    });
    await addAction("percent", { subject: "100% wrong_item_sent", createdAt: minutesAgo(50) });

    // Ties on created_at (to the microsecond) straddling the first page boundary: keyset paging
    // must break them by id.
    boundaryId = (await expectedOrder(db))[24] as string;
    for (const key of ["tie-1", "tie-2", "tie-3", "tie-4"]) {
      await addAction(key, {
        subject: `Tie ${key}`,
        createdAt: sql`(select created_at from agent_actions where id = ${boundaryId}::uuid)`,
      });
    }
  });
  afterAll(() => handle?.destroy());

  it("pages through every undecided action, oldest first, without gaps or repeats", async () => {
    const expected = await expectedOrder(db);
    expect(expected.length).toBeGreaterThan(50);
    const { pages, items } = await walk(db, {}, viewer);
    expect(pages.length).toBe(Math.ceil(expected.length / 25));
    for (const page of pages.slice(0, -1)) {
      expect(page.items).toHaveLength(25);
      expect(page.nextCursor).toEqual(expect.any(String));
    }
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(items.map((i) => i.id)).toEqual(expected);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    const times = items.map((i) => Date.parse(i.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(items.every((i) => i.status === "pending_review" || i.status === "blocked")).toBe(true);
    expect(items.map((i) => i.id)).not.toContain(manual.done);
    // The tie group really straddles the first page boundary, and comes back in id order.
    const group = new Set([boundaryId, ...["tie-1", "tie-2", "tie-3", "tie-4"].map((k) => manual[k])]);
    const tied = items.flatMap((item, index) => (group.has(item.id) ? [{ id: item.id, index }] : []));
    expect(tied).toHaveLength(5);
    expect(tied.map((t) => t.index)).toEqual([0, 1, 2, 3, 4].map((i) => (tied[0]?.index ?? 0) + i));
    expect(tied[0]?.index).toBeLessThanOrEqual(24);
    expect(tied.at(-1)?.index).toBeGreaterThanOrEqual(25);
    expect(tied.map((t) => t.id)).toEqual(tied.map((t) => t.id).sort());
    expect(pages.every((p) => p.counts.all === expected.length)).toBe(true);
  });

  it("describes each row: ticket, kind, model, policy, team and the reason it is blocked", async () => {
    const { items } = await walk(db, {}, viewer);
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get(manual.legal as string)).toMatchObject({
      kind: "escalation",
      status: "pending_review",
      subject: "My lawyer will call",
      intent: "track_order",
      model: "openai:gpt-4.1-mini",
      policyVersion: 1,
      team: "legal",
      blockedBy: null,
    });
    const blocked = items.find((i) => i.kind === "refund");
    expect(blocked).toMatchObject({ status: "blocked", blockedBy: "no-payments", team: null });
  });

  it("filters by kind and by state, with counts per kind and state that ignore those filters", async () => {
    const rows = rowsOf<{ kind: string; status: string; n: number }>(
      await db.execute(sql`
        select kind, status, count(*)::int as n from agent_actions
        where status in ('pending_review', 'blocked') group by kind, status`),
    );
    const sum = (f: (r: { kind: string; status: string }) => boolean) =>
      rows.filter(f).reduce((n, r) => n + Number(r.n), 0);
    const expectedCounts = {
      all: sum(() => true),
      reply: sum((r) => r.kind === "reply"),
      escalation: sum((r) => r.kind === "escalation"),
      refund: sum((r) => r.kind === "refund"),
      pending_review: sum((r) => r.status === "pending_review"),
      blocked: sum((r) => r.status === "blocked"),
    };
    expect(expectedCounts.escalation).toBeGreaterThan(0);
    expect(expectedCounts.blocked).toBeGreaterThan(0);

    for (const kind of ["reply", "escalation", "refund"] as const) {
      const { pages, items } = await walk(db, { kind }, viewer);
      expect(items.length).toBe(expectedCounts[kind]);
      expect(items.every((i) => i.kind === kind)).toBe(true);
      expect(items.map((i) => i.id)).toEqual(await expectedOrder(db, sql`a.kind = ${kind}`));
      expect(pages[0]?.counts).toMatchObject(expectedCounts);
    }
    for (const state of ["pending_review", "blocked"] as const) {
      const { pages, items } = await walk(db, { state }, viewer);
      expect(items.length).toBe(expectedCounts[state]);
      expect(items.every((i) => i.status === state)).toBe(true);
      expect(pages[0]?.counts).toMatchObject(expectedCounts);
    }
    const both = await walk(db, { kind: "reply", state: "pending_review" }, viewer);
    expect(both.items.every((i) => i.kind === "reply" && i.status === "pending_review")).toBe(true);
    expect(both.items.length).toBe(sum((r) => r.kind === "reply" && r.status === "pending_review"));
  });

  it("searches ticket subjects (case-insensitive, wildcards taken literally) and counts within the search", async () => {
    const zanzibar = await loadQueue(db, { q: "zanZIBAR" }, viewer, { slaMinutes: SLA, now: NOW });
    // The answered Zanzibar ticket is decided, so only the stuck parcel shows.
    expect(zanzibar.items.map((i) => i.id)).toEqual([manual.late]);
    expect(zanzibar.counts).toEqual({
      all: 1,
      reply: 1,
      escalation: 0,
      refund: 0,
      pending_review: 1,
      blocked: 0,
      mine: 0,
    });
    expect(zanzibar.countsCapped).toEqual({});
    expect(zanzibar.nextCursor).toBeNull();

    const percent = await loadQueue(db, { q: "100%" }, viewer, { slaMinutes: SLA, now: NOW });
    expect(percent.items.map((i) => i.id)).toEqual([manual.percent]);
    const underscore = await loadQueue(db, { q: "wrong_item" }, viewer, { slaMinutes: SLA, now: NOW });
    expect(underscore.items.map((i) => i.id)).toEqual([manual.percent]);
    const literal = await loadQueue(db, { q: "%" }, viewer, { slaMinutes: SLA, now: NOW });
    expect(literal.items.map((i) => i.id)).toEqual([manual.percent]);

    const byExternalId = await loadQueue(db, { q: "queue-test-legal" }, viewer, {
      slaMinutes: SLA,
      now: NOW,
    });
    expect(byExternalId.items.map((i) => i.id)).toEqual([manual.legal]);
    // A part of the external id, in any case, finds it too.
    const partOfId = await loadQueue(db, { q: "QUEUE-TEST-LEG" }, viewer, { slaMinutes: SLA, now: NOW });
    expect(partOfId.items.map((i) => i.id)).toEqual([manual.legal]);
    const byEmail = await loadQueue(db, { q: "fresh@customer" }, viewer, { slaMinutes: SLA, now: NOW });
    expect(byEmail.items.map((i) => i.id)).toEqual([manual.fresh]);

    const none = await loadQueue(db, { q: "no ticket says this" }, viewer, { slaMinutes: SLA, now: NOW });
    expect(none).toEqual({
      items: [],
      counts: { all: 0, reply: 0, escalation: 0, refund: 0, pending_review: 0, blocked: 0, mine: 0 },
      countsCapped: {},
      nextCursor: null,
    });
  });

  it("works out ages and SLA breaches from the given clock", async () => {
    const { items } = await walk(db, {}, viewer);
    const row = (key: string) => items.find((i) => i.id === manual[key]) as QueueRow;
    expect(row("late")).toMatchObject({ ageMinutes: 300, overSla: true });
    expect(row("fresh")).toMatchObject({ ageMinutes: 10, overSla: false });
    expect(row("future")).toMatchObject({ ageMinutes: 0, overSla: false });
    for (const item of items) {
      const age = Math.max(0, Math.floor((NOW.getTime() - Date.parse(item.createdAt)) / MINUTE));
      expect(item.ageMinutes).toBe(age);
      expect(item.overSla).toBe(age > SLA);
    }
    // The bulk history spreads over 30 days, so most of it is over the SLA.
    expect(items.filter((i) => i.overSla).length).toBeGreaterThan(items.length / 2);
    expect(row("future").createdAt).toBe(new Date(NOW.getTime() + 5 * MINUTE).toISOString());
  });

  it("shows who is reviewing an action only for someone else's live claim", async () => {
    const { items } = await walk(db, {}, viewer);
    const row = (key: string) => items.find((i) => i.id === manual[key]) as QueueRow;
    expect(row("held").beingReviewedBy).toBe("Olly Other");
    expect(row("mine").beingReviewedBy).toBeNull();
    expect(row("lapsed").beingReviewedBy).toBeNull();
    expect(row("fresh").beingReviewedBy).toBeNull();
    expect(items.filter((i) => i.beingReviewedBy !== null).map((i) => i.id)).toEqual([manual.held]);

    // The other reviewer sees it the other way round.
    const theirs = await walk(db, {}, other);
    const held = theirs.items.find((i) => i.id === manual.mine);
    expect(held?.beingReviewedBy).toBe("Vera Viewer");
    expect(theirs.items.find((i) => i.id === manual.held)?.beingReviewedBy).toBeNull();
  });

  it("Mine lists only the viewer's own live claims, and counts them", async () => {
    const mine = await walk(db, { mine: "1" }, viewer);
    expect(mine.items.map((i) => i.id)).toEqual([manual.mine]);
    expect(mine.items[0]?.claimedByMe).toBe(true);
    expect(mine.pages[0]?.counts.mine).toBe(1);
    // The other reviewer's Mine holds their live claim, not the lapsed one.
    const theirs = await walk(db, { mine: "1" }, other);
    expect(theirs.items.map((i) => i.id)).toEqual([manual.held]);
    // Within a search, and once the lease has run out.
    const searched = await loadQueue(db, { mine: "1", q: "held by me" }, viewer, {
      slaMinutes: SLA,
      now: NOW,
    });
    expect(searched.items.map((i) => i.id)).toEqual([manual.mine]);
    const later = new Date(NOW.getTime() + 6 * MINUTE);
    const expired = await loadQueue(db, { mine: "1" }, viewer, { slaMinutes: SLA, now: later });
    expect(expired.items).toEqual([]);
    expect(expired.counts.mine).toBe(0);
    const { items } = await walk(db, {}, viewer);
    expect(items.filter((i) => i.claimedByMe).map((i) => i.id)).toEqual([manual.mine]);
  });

  it("ignores a cursor it cannot read and starts from the top", async () => {
    const first = await loadQueue(db, {}, viewer, { slaMinutes: SLA, now: NOW });
    const garbage = await loadQueue(db, { cursor: "not-a-cursor" }, viewer, { slaMinutes: SLA, now: NOW });
    expect(garbage.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
  });
});
