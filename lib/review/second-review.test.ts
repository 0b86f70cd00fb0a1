import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { agentActions, auditLog, outbox, reviews, secondReviews, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { secondReviewRoute } from "@/lib/api/second-reviews";
import { ROLE_SCOPES } from "@/lib/auth/scopes";
import { createIngestHandlers } from "@/lib/ingest/http";
import { createRateLimiter } from "@/lib/ingest/rate-limit";
import { loadAgreement } from "@/lib/metrics/agreement-load";
import { availableDrivers, createTestDatabase, type TestDatabase } from "@/test/db";
import { draftTicket, userOfRole } from "@/test/guardrail-history";
import { decideAction } from "./decide";
import {
  decideSecondReview,
  listSecondReviews,
  loadSecondReview,
  pendingSecondReviewOf,
} from "./second-review";

const FIRST_COMMENT = "First reviewer's private note: tone is fine, shipped as edited";
const FIRST_EDIT = "Hello! Your parcel left our warehouse yesterday; first-reviewer-edit-marker.";

describe.each(availableDrivers())("blind second reviews on %s", (driver) => {
  let handle: TestDatabase;
  let db: Db;
  let reviewer: { id: string; name: string };
  let admin: { id: string; name: string };
  let sampled: { actionId: string; ticketId: string; reviewId: string };

  beforeAll(async () => {
    handle = await createTestDatabase(driver);
    db = handle.db;
    await seedDemo(db);
    reviewer = await userOfRole(db, "reviewer");
    admin = await userOfRole(db, "admin");
    const drafted = await draftTicket(db, "bitext-1199");
    const reply = drafted.actions.find((a) => a.kind === "reply");
    if (!reply) throw new Error("the offline agent proposed no reply");
    // Every decision is sampled here (share 1): the first decision is an edit with reasons and a comment.
    const outcome = await decideAction(
      db,
      reviewer,
      {
        actionId: reply.id,
        version: reply.version,
        decision: "edit",
        finalText: FIRST_EDIT,
        reasonTags: ["tone"],
        comment: FIRST_COMMENT,
        rating: 2,
      },
      { secondReviewShare: 1 },
    );
    sampled = { actionId: reply.id, ticketId: drafted.ticketId, reviewId: outcome.reviewId };
  }, 120_000);
  afterAll(() => handle?.destroy());

  it("samples nothing at a share of 0 and the decided action at a share of 1", async () => {
    const drafted = await draftTicket(db, "bitext-4171");
    const reply = drafted.actions.find((a) => a.kind === "reply" || a.kind === "escalation");
    if (!reply) throw new Error("no action");
    await decideAction(
      db,
      reviewer,
      { actionId: reply.id, version: reply.version, decision: "reject", reason: "No.", reasonTags: [] },
      { secondReviewShare: 0 },
    );
    const rows = await db.select().from(secondReviews);
    expect(rows.map((r) => [r.actionId, r.firstReviewId, r.firstReviewerId, r.decision])).toEqual([
      [sampled.actionId, sampled.reviewId, reviewer.id, null],
    ]);
  });

  it("offers the item to anyone but the first reviewer", async () => {
    expect(await listSecondReviews(db, reviewer)).toEqual([]);
    const offered = await listSecondReviews(db, admin);
    expect(offered.map((i) => i.ticketId)).toEqual([sampled.ticketId]);
    // The ticket page sends the second reviewer to the blind page, and leaves the first reviewer where they are.
    expect(await pendingSecondReviewOf(db, sampled.ticketId, admin)).toBe(offered[0]?.id);
    expect(await pendingSecondReviewOf(db, sampled.ticketId, reviewer)).toBeNull();
  });

  it("never shows the first decision, its reviewer, reasons, comment or edit to the second reviewer", async () => {
    const [item] = await listSecondReviews(db, admin);
    if (!item) throw new Error("no second review offered");
    const blind = await loadSecondReview(db, item.id, admin);
    expect(Object.keys(blind).sort()).toEqual(["id", "judgement", "proposal", "ticket"]);
    expect(blind.judgement).toBeNull();
    const [original] = await db
      .select({ text: reviews.originalText })
      .from(reviews)
      .where(eq(reviews.id, sampled.reviewId));
    expect(blind.proposal.text).toBe(original?.text);
    const shown = JSON.stringify({ item, blind });
    for (const secret of [FIRST_COMMENT, FIRST_EDIT, reviewer.id, reviewer.name, sampled.reviewId]) {
      expect(shown).not.toContain(secret);
    }
    // No field that could carry the first decision: not even the action's status after it.
    expect(shown).not.toMatch(
      /"(status|decision|decidedAt|reviewer\w*|reasonTags|comment|finalText|rating)"/,
    );
    await expect(loadSecondReview(db, item.id, reviewer)).rejects.toMatchObject({ code: "forbidden:review" });

    // The API gives the second reviewer the same blind view, and the first reviewer a 403.
    const call = (user: { id: string; name: string }, role: "admin" | "reviewer") =>
      secondReviewRoute({
        db: async () => db,
        user: async () => ({
          kind: "user",
          id: user.id,
          email: "",
          name: user.name,
          role,
          scopes: ROLE_SCOPES[role],
        }),
      })(new Request(`http://localhost/api/v1/second-reviews/${item.id}`), {
        params: Promise.resolve({ id: item.id }),
      });
    const response = await call(admin, "admin");
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(blind)));
    for (const secret of [FIRST_COMMENT, FIRST_EDIT, reviewer.id, reviewer.name, sampled.reviewId]) {
      expect(body).not.toContain(secret);
    }
    expect((await call(reviewer, "reviewer")).status).toBe(403);

    // The ticket API, which shows decisions, sends the second reviewer to the blind view instead.
    const ticketApi = (user: { id: string }) =>
      createIngestHandlers({
        db: async () => db,
        enqueueDrafts: async () => undefined,
        rateLimiter: createRateLimiter(10),
        sessionReader: async () => user,
      }).getTicket(new Request(`http://localhost/api/v1/tickets/${sampled.ticketId}`), sampled.ticketId);
    const refused = await ticketApi(admin);
    expect(refused.status).toBe(409);
    const refusal = await refused.text();
    expect(refusal).toContain(`/api/v1/second-reviews/${item.id}`);
    for (const secret of [FIRST_COMMENT, FIRST_EDIT, reviewer.name]) expect(refusal).not.toContain(secret);
    expect((await ticketApi(reviewer)).status).toBe(200);
  });

  it("stores the second judgement for agreement only: nothing is sent and nothing else changes", async () => {
    const [item] = await listSecondReviews(db, admin);
    if (!item) throw new Error("no second review offered");
    const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(outbox))[0]?.n;
    const outboxBefore = await count();
    const [actionBefore] = await db.select().from(agentActions).where(eq(agentActions.id, sampled.actionId));
    const [ticketBefore] = await db.select().from(tickets).where(eq(tickets.id, sampled.ticketId));

    await expect(
      decideSecondReview(db, reviewer, { id: item.id, decision: "approve", reasonTags: [] }),
    ).rejects.toMatchObject({ code: "forbidden:review" });
    await decideSecondReview(db, admin, {
      id: item.id,
      decision: "reject",
      reasonTags: ["incomplete"],
      comment: "Too thin.",
    });
    await expect(
      decideSecondReview(db, admin, { id: item.id, decision: "approve", reasonTags: [] }),
    ).rejects.toMatchObject({ code: "conflict:review" });

    const [row] = await db.select().from(secondReviews).where(eq(secondReviews.id, item.id));
    expect(row).toMatchObject({
      reviewerId: admin.id,
      decision: "reject",
      reasonTags: ["incomplete"],
      comment: "Too thin.",
    });
    expect(row?.decidedAt).toBeInstanceOf(Date);
    expect(await count()).toBe(outboxBefore);
    const [actionAfter] = await db.select().from(agentActions).where(eq(agentActions.id, sampled.actionId));
    const [ticketAfter] = await db.select().from(tickets).where(eq(tickets.id, sampled.ticketId));
    expect(actionAfter).toEqual(actionBefore);
    expect(ticketAfter?.status).toBe(ticketBefore?.status);
    const audit = await db
      .select({ actorId: auditLog.actorId })
      .from(auditLog)
      .where(and(eq(auditLog.action, "second_review.decided"), eq(auditLog.entityId, sampled.actionId)));
    expect(audit).toEqual([{ actorId: admin.id }]);
    expect(await listSecondReviews(db, admin)).toEqual([]);

    const agreement = await loadAgreement(db, {
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 60_000),
    });
    expect(agreement).toMatchObject({ pairs: 1, agreed: 0, rate: 0, kappa: 0 });
    expect(agreement.disagreements.map((d) => [d.ticketHref, d.first.decision, d.second.decision])).toEqual([
      [`/tickets/${sampled.ticketId}`, "edit", "reject"],
    ]);
  });
});
