import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { releaseClaimRoute } from "@/lib/api/claims";
import type { UserPrincipal } from "@/lib/auth/guards";
import { ROLE_SCOPES } from "@/lib/auth/scopes";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { actionFactory, insertReviewers, type Person } from "@/test/review-actions";
import { claimAction, liveClaims, releaseClaim } from "./claims";
import { decideAction } from "./decide";
import { loadQueue } from "./queue";
import { decisionSchema } from "./schema";

const LEASE = 10 * 60_000;
const ORIGIN = "http://countersign.test";

async function claimOf(db: Db, actionId: string) {
  const [row] = await db
    .select({ claimedBy: agentActions.claimedBy, claimExpiresAt: agentActions.claimExpiresAt })
    .from(agentActions)
    .where(eq(agentActions.id, actionId));
  return row;
}

describe.each(availableDrivers())("claims on purpose on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let me: Person;
  let them: Person;
  let addAction: () => Promise<string>;

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db, { now: new Date() });
    [me, them] = (await insertReviewers(db, 2, `purpose-${driver}`)) as [Person, Person];
    const add = actionFactory(db);
    addAction = async () => (await add([{ createdAt: new Date() }]))[0]?.id as string;
  });
  afterAll(() => handle?.destroy());

  const principal = (p: Person): UserPrincipal => ({
    kind: "user",
    id: p.id,
    email: `${p.name}@example.test`,
    name: p.name,
    role: "reviewer",
    scopes: ROLE_SCOPES.reviewer,
  });
  const release = (actionId: string, caller: Person | null, origin = ORIGIN) =>
    releaseClaimRoute({ db: async () => db, user: async () => (caller ? principal(caller) : null) })(
      new Request(`${ORIGIN}/api/v1/actions/${actionId}/release`, {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: "{}",
      }),
      { params: Promise.resolve({ id: actionId }) },
    );

  it("viewing an action (the queue, the ticket's claims) claims nothing", async () => {
    const id = await addAction();
    const queue = await loadQueue(db, {}, me, { slaMinutes: 60 });
    expect(queue.items.some((i) => i.id === id)).toBe(true);
    expect(await liveClaims(db, [id], me.id)).toEqual({});
    expect(await claimOf(db, id)).toEqual({ claimedBy: null, claimExpiresAt: null });
    expect(queue.items.find((i) => i.id === id)).toMatchObject({ beingReviewedBy: null, claimedByMe: false });
  });

  it("Start review claims: the holder sees it as theirs, others see who holds it", async () => {
    const id = await addAction();
    const claim = await claimAction(db, id, me.id, LEASE);
    expect(claim.claimed).toBe(true);
    expect((await claimOf(db, id))?.claimedBy).toBe(me.id);
    expect((await liveClaims(db, [id], me.id))[id]).toMatchObject({ mine: true, holder: me.name });
    expect((await liveClaims(db, [id], them.id))[id]).toMatchObject({ mine: false, holder: me.name });
    const theirs = await loadQueue(db, { mine: "1" }, them, { slaMinutes: 60 });
    expect(theirs.items.map((i) => i.id)).not.toContain(id);
    const mine = await loadQueue(db, { mine: "1" }, me, { slaMinutes: 60 });
    expect(mine.items.map((i) => i.id)).toContain(id);
  });

  it("Release gives back the caller's own claim only", async () => {
    const id = await addAction();
    await claimAction(db, id, me.id, LEASE);
    expect(await releaseClaim(db, id, them.id)).toBe(false);
    expect((await claimOf(db, id))?.claimedBy).toBe(me.id);
    expect(await releaseClaim(db, id, me.id)).toBe(true);
    expect(await claimOf(db, id)).toEqual({ claimedBy: null, claimExpiresAt: null });
    expect((await loadQueue(db, { mine: "1" }, me, { slaMinutes: 60 })).items.map((i) => i.id)).not.toContain(
      id,
    );
  });

  it("deciding releases the claim", async () => {
    const id = await addAction();
    await claimAction(db, id, me.id, LEASE);
    await decideAction(db, me, decisionSchema.parse({ actionId: id, version: 1, decision: "approve" }));
    expect(await claimOf(db, id)).toEqual({ claimedBy: null, claimExpiresAt: null });
    expect(await liveClaims(db, [id], me.id)).toEqual({});
  });

  it("a lease runs out: the claim is no longer live, in Mine, or in anyone's way", async () => {
    const id = await addAction();
    await claimAction(db, id, me.id, LEASE);
    await db
      .update(agentActions)
      .set({ claimExpiresAt: sql`now() - interval '1 minute'` })
      .where(eq(agentActions.id, id));
    expect(await liveClaims(db, [id], them.id)).toEqual({});
    const mine = await loadQueue(db, { mine: "1" }, me, { slaMinutes: 60 });
    expect(mine.items.map((i) => i.id)).not.toContain(id);
    expect((await claimAction(db, id, them.id, LEASE)).claimed).toBe(true);
    expect((await claimOf(db, id))?.claimedBy).toBe(them.id);
  });

  it("leaving releases through POST /api/v1/actions/{id}/release, for the caller's claim only", async () => {
    const id = await addAction();
    await claimAction(db, id, me.id, LEASE);

    expect((await release(id, null)).status).toBe(401);
    expect((await release(id, me, "https://elsewhere.example")).status).toBe(403);
    expect((await release("not-an-id", me)).status).toBe(400);
    expect((await claimOf(db, id))?.claimedBy).toBe(me.id);

    const byOther = await release(id, them);
    expect(await byOther.json()).toEqual({ released: false });
    expect((await claimOf(db, id))?.claimedBy).toBe(me.id);

    const mine = await release(id, me);
    expect(mine.status).toBe(200);
    expect(await mine.json()).toEqual({ released: true });
    expect(await claimOf(db, id)).toEqual({ claimedBy: null, claimExpiresAt: null });
  });
});
