import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { actionFactory, insertReviewers, type Person } from "@/test/review-actions";
import { claimAction, claimNextAction, releaseClaim } from "./claims";
import { decideAction } from "./decide";
import { decisionSchema } from "./schema";

const NOW = new Date("2026-11-01T12:00:00Z");
const LEASE = 10 * 60_000;
const MINUTE = 60_000;

async function claimOf(db: Db, actionId: string) {
  const [row] = await db
    .select({ claimedBy: agentActions.claimedBy, claimExpiresAt: agentActions.claimExpiresAt })
    .from(agentActions)
    .where(eq(agentActions.id, actionId));
  return row;
}

async function expireClaim(db: Db, actionId: string) {
  await db
    .update(agentActions)
    .set({ claimExpiresAt: sql`now() - interval '1 minute'` })
    .where(eq(agentActions.id, actionId));
}

describe.each(availableDrivers())("review claims on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let people: Person[];
  let addActions: ReturnType<typeof actionFactory>;
  const person = (i: number) => {
    const p = people[i];
    if (!p) throw new Error(`no reviewer ${i}`);
    return p;
  };

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db, { now: NOW });
    people = await insertReviewers(db, 12, `claims-${driver}`);
    addActions = actionFactory(db);
  });
  afterAll(() => handle?.destroy());
  // Each test starts from an empty queue: what other tests left undecided is set aside.
  beforeEach(async () => {
    await db
      .update(agentActions)
      .set({ status: "superseded", claimedBy: null, claimExpiresAt: null })
      .where(inArray(agentActions.status, ["pending_review", "blocked"]));
  });

  it("gives the lease to the first reviewer who opens an action", async () => {
    const [action] = await addActions([{ createdAt: NOW }]);
    const before = Date.now();
    const claim = await claimAction(db, action?.id as string, person(0).id, LEASE);
    expect(claim.claimed).toBe(true);
    if (!claim.claimed) return;
    expect(claim.expiresAt.getTime()).toBeGreaterThanOrEqual(before + LEASE - 1_000);
    expect(claim.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + LEASE + 1_000);
    expect(await claimOf(db, action?.id as string)).toEqual({
      claimedBy: person(0).id,
      claimExpiresAt: claim.expiresAt,
    });
  });

  it("tells a second reviewer who holds the claim, and leaves the claim alone", async () => {
    const [action] = await addActions([{ createdAt: NOW }]);
    const id = action?.id as string;
    const first = await claimAction(db, id, person(0).id, LEASE);
    const second = await claimAction(db, id, person(1).id, LEASE);
    expect(second).toEqual({
      claimed: false,
      holder: person(0).name,
      expiresAt: first.claimed ? first.expiresAt : null,
      status: "pending_review",
    });
    expect((await claimOf(db, id))?.claimedBy).toBe(person(0).id);
  });

  it("lets the holder claim again, extending the lease", async () => {
    const [action] = await addActions([{ createdAt: NOW }]);
    const id = action?.id as string;
    const first = await claimAction(db, id, person(0).id, MINUTE);
    const again = await claimAction(db, id, person(0).id, LEASE);
    expect(first.claimed && again.claimed).toBe(true);
    if (!first.claimed || !again.claimed) return;
    expect(again.expiresAt.getTime()).toBeGreaterThan(first.expiresAt.getTime());
    expect((await claimOf(db, id))?.claimedBy).toBe(person(0).id);
  });

  it("lets another reviewer take over an expired claim", async () => {
    const [action] = await addActions([{ createdAt: NOW, kind: "refund", status: "blocked" }]);
    const id = action?.id as string;
    await claimAction(db, id, person(0).id, LEASE);
    await expireClaim(db, id);
    const taken = await claimAction(db, id, person(1).id, LEASE);
    expect(taken.claimed).toBe(true);
    expect((await claimOf(db, id))?.claimedBy).toBe(person(1).id);
    // The previous holder can no longer release what is not theirs any more.
    await releaseClaim(db, id, person(0).id);
    expect((await claimOf(db, id))?.claimedBy).toBe(person(1).id);
    await releaseClaim(db, id, person(1).id);
    expect(await claimOf(db, id)).toEqual({ claimedBy: null, claimExpiresAt: null });
  });

  it("never claims a decided action or one that does not exist", async () => {
    const [action] = await addActions([{ createdAt: NOW }]);
    const id = action?.id as string;
    await claimAction(db, id, person(0).id, LEASE);
    await decideAction(
      db,
      person(0),
      decisionSchema.parse({ actionId: id, version: 1, decision: "approve" }),
    );
    expect(await claimAction(db, id, person(1).id, LEASE)).toEqual({
      claimed: false,
      holder: null,
      expiresAt: null,
      status: "approved",
    });
    expect(await claimAction(db, id, person(0).id, LEASE)).toMatchObject({
      claimed: false,
      status: "approved",
    });
    expect(await claimOf(db, id)).toEqual({ claimedBy: null, claimExpiresAt: null });
    expect(await claimAction(db, crypto.randomUUID(), person(0).id, LEASE)).toEqual({
      claimed: false,
      holder: null,
      expiresAt: null,
      status: "missing",
    });
  });

  it("Next claims the oldest undecided action nobody holds, skipping live claims and the skip list", async () => {
    const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);
    const [decided, heldByOther, oldestFree, blocked, newest] = await addActions([
      { createdAt: at(0), status: "approved" },
      { createdAt: at(1) },
      { createdAt: at(2) },
      { createdAt: at(3), kind: "refund", status: "blocked" },
      { createdAt: at(4), kind: "escalation" },
    ]);
    if (!decided || !heldByOther || !oldestFree || !blocked || !newest) throw new Error("actions missing");
    await claimAction(db, heldByOther.id, person(1).id, LEASE);

    const me = person(0).id;
    expect(await claimNextAction(db, me, LEASE)).toEqual({
      actionId: oldestFree.id,
      ticketId: oldestFree.ticketId,
    });
    expect((await claimOf(db, oldestFree.id))?.claimedBy).toBe(me);
    // The next Next moves on (my own claim is not handed back), here past a skipped action.
    expect(await claimNextAction(db, me, LEASE, [blocked.id])).toEqual({
      actionId: newest.id,
      ticketId: newest.ticketId,
    });
    expect(await claimNextAction(db, me, LEASE, [blocked.id])).toBeNull();
    // Blocked actions wait for a person too.
    expect((await claimNextAction(db, me, LEASE))?.actionId).toBe(blocked.id);
    expect(await claimNextAction(db, me, LEASE)).toBeNull();

    // An expired claim is free again, for anyone.
    await expireClaim(db, heldByOther.id);
    expect((await claimNextAction(db, person(2).id, LEASE))?.actionId).toBe(heldByOther.id);
    expect((await claimOf(db, heldByOther.id))?.claimedBy).toBe(person(2).id);
    expect((await claimOf(db, decided.id))?.claimedBy).toBeNull();
  });

  it("Next breaks ties on creation time by id", async () => {
    const same = await addActions([{ createdAt: NOW }, { createdAt: NOW }, { createdAt: NOW }]);
    const expected = same.map((a) => a.id).sort();
    const got: string[] = [];
    for (let i = 0; i < 3; i++)
      got.push((await claimNextAction(db, person(i).id, LEASE))?.actionId ?? "none");
    expect(got).toEqual(expected);
  });

  it("never hands the same action to two reviewers pressing Next at once", async () => {
    for (let round = 0; round < 3; round++) {
      await db
        .update(agentActions)
        .set({ status: "superseded", claimedBy: null, claimExpiresAt: null })
        .where(inArray(agentActions.status, ["pending_review", "blocked"]));
      const actions = await addActions(
        Array.from({ length: 5 }, (_, i) => ({
          createdAt: new Date(NOW.getTime() + i * MINUTE),
          ...(i === 2 ? { kind: "refund" as const, status: "blocked" as const } : {}),
        })),
      );
      const reviewers = people.slice(0, 10);
      const results = await Promise.all(reviewers.map((r) => claimNextAction(db, r.id, LEASE)));

      const claimed = results.flatMap((r) => (r ? [r.actionId] : []));
      expect(claimed).toHaveLength(5);
      expect(new Set(claimed).size).toBe(5);
      expect([...claimed].sort()).toEqual(actions.map((a) => a.id).sort());
      expect(results.filter((r) => r === null)).toHaveLength(5);

      // Each action is held by the reviewer it was handed to.
      const holders = await db
        .select({ id: agentActions.id, claimedBy: agentActions.claimedBy })
        .from(agentActions)
        .where(
          inArray(
            agentActions.id,
            actions.map((a) => a.id),
          ),
        );
      for (const [i, r] of results.entries()) {
        if (r) expect(holders.find((h) => h.id === r.actionId)?.claimedBy).toBe(reviewers[i]?.id);
      }
    }
  });
});
