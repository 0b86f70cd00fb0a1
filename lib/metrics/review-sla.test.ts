import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agentActions, type Decision, type ReviewSource, reviews } from "@/db/schema";
import { availableDrivers, useTestDatabase } from "@/test/db";
import { insertWaitingAction } from "@/test/sla-fixture";
import { loadReviewSla } from "./review-sla";

const DAY = { from: new Date("2026-11-10T00:00:00Z"), to: new Date("2026-11-11T00:00:00Z") };
const at = (hhmm: string, day = "2026-11-10") => new Date(`${day}T${hhmm}:00Z`);

describe.each(availableDrivers())("time to first review against the SLA on %s", (driver) => {
  const database = useTestDatabase(driver);

  /** One decided action: proposed `wait` minutes before `decidedAt`, with the SLA it was held to. */
  async function review(spec: {
    decidedAt: Date;
    wait: number;
    slaMinutes: number | null;
    source?: ReviewSource;
    decision?: Decision;
  }) {
    const { db } = database;
    const { id, ticketId } = await insertWaitingAction(db, { groupId: null, ageMinutes: 0 });
    const [action] = await db
      .update(agentActions)
      .set({ status: "rejected" })
      .where(eq(agentActions.id, id))
      .returning({ runId: agentActions.runId });
    await db.insert(reviews).values({
      actionId: id,
      ticketId,
      actionKind: "reply",
      runId: action?.runId as string,
      proposedAt: new Date(spec.decidedAt.getTime() - spec.wait * 60_000),
      model: "offline",
      source: spec.source ?? "person",
      decision: spec.decision ?? "reject",
      slaMinutes: spec.slaMinutes,
      createdAt: spec.decidedAt,
    });
  }

  it("counts people's decisions and system escalations, not the autopilot's, in the period only", async () => {
    const { db } = database;
    await review({ decidedAt: at("09:00"), wait: 30, slaMinutes: 60 }); // within its SLA
    await review({ decidedAt: at("10:00"), wait: 90, slaMinutes: 60 }); // past it
    await review({ decidedAt: at("11:00"), wait: 10, slaMinutes: null }); // no SLA: timed, not judged
    await review({
      decidedAt: at("12:00"),
      wait: 3000,
      slaMinutes: 240,
      source: "system",
      decision: "escalate",
    });
    await review({ decidedAt: at("13:00"), wait: 0, slaMinutes: 60, source: "auto", decision: "approve" });
    await review({ decidedAt: at("09:00", "2026-11-11"), wait: 5, slaMinutes: 60 }); // the next day

    const figures = await loadReviewSla(db, DAY);
    // Waits 10, 30, 90, 3000: the median halfway between 30 and 90; p90 at 0.7 of the way from 90 to 3000.
    expect(figures).toMatchObject({
      reviews: 4,
      withSla: 3,
      withinSla: 1,
      hardLimitEscalations: 1,
    });
    expect(figures.firstReviewP50Minutes).toBeCloseTo(60, 6);
    expect(figures.firstReviewP90Minutes).toBeCloseTo(90 + 0.7 * 2910, 6);
    expect(figures.withinSlaShare).toBeCloseTo(1 / 3, 9);
  });

  it("says nothing rather than zero for a period without reviews", async () => {
    const { db } = database;
    const empty = await loadReviewSla(db, { from: new Date("2026-10-01"), to: new Date("2026-10-02") });
    expect(empty).toEqual({
      reviews: 0,
      firstReviewP50Minutes: null,
      firstReviewP90Minutes: null,
      withSla: 0,
      withinSla: 0,
      withinSlaShare: null,
      hardLimitEscalations: 0,
    });
  });
});
