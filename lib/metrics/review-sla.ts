import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { ratio } from "./figures";
import type { Range } from "./period";
import { aggregate, inRange } from "./sql";

/**
 * Time to first review against the SLA, for the reviews decided in a period (reviews.created_at),
 * read from the records. What counts as a review here: a person's decision or the system's
 * escalation past a hard limit (the action waited that long too); the autopilot's approvals wait
 * for nobody and are left out. Each action has one review (its first decision; blind second
 * reviews are not decisions).
 */
export interface ReviewSlaFigures {
  /** Reviews counted (people's and the system's). */
  reviews: number;
  /** Minutes from the action's proposal to its review: median and 90th percentile (continuous). */
  firstReviewP50Minutes: number | null;
  firstReviewP90Minutes: number | null;
  /** Reviews that carry an SLA (reviews.sla_minutes: the target of the group the action was held to). */
  withSla: number;
  /** Of those, decided no later than their SLA minutes after the proposal. */
  withinSla: number;
  /** withinSla / withSla; null when no review carries an SLA. */
  withinSlaShare: number | null;
  /** System escalations of actions that waited past their group's hard limit (source `system`). */
  hardLimitEscalations: number;
}

/** The reviews these figures count: a person's or the system's decision, not the autopilot's. */
const COUNTED = sql`v.source in ('person', 'system')`;
/** Minutes from proposal to decision. */
const WAIT_MINUTES = sql`date_part('epoch', v.created_at - v.proposed_at) / 60`;
/** Decided within the SLA the review carries. */
const WITHIN_SLA = sql`v.created_at - v.proposed_at <= make_interval(mins => v.sla_minutes)`;

export async function loadReviewSla(db: Db, range: Range): Promise<ReviewSlaFigures> {
  type Row = {
    reviews: number | string;
    p: (number | string | null)[] | null;
    with_sla: number | string;
    within_sla: number | string;
    system: number | string;
  };
  const [row] = await aggregate<Row>(
    db,
    sql`
      select count(*) filter (where ${COUNTED}) as reviews,
             percentile_cont(array[0.5, 0.9]) within group (order by ${WAIT_MINUTES}) filter (where ${COUNTED}) as p,
             count(*) filter (where ${COUNTED} and v.sla_minutes is not null) as with_sla,
             count(*) filter (where ${COUNTED} and v.sla_minutes is not null and ${WITHIN_SLA}) as within_sla,
             count(*) filter (where v.source = 'system') as system
      from reviews v
      where ${inRange(sql`v.created_at`, range)}`,
  );
  const [p50, p90] = row?.p ?? [];
  const withSla = Number(row?.with_sla ?? 0);
  const withinSla = Number(row?.within_sla ?? 0);
  return {
    reviews: Number(row?.reviews ?? 0),
    firstReviewP50Minutes: p50 == null ? null : Number(p50),
    firstReviewP90Minutes: p90 == null ? null : Number(p90),
    withSla,
    withinSla,
    withinSlaShare: ratio(withinSla, withSla),
    hardLimitEscalations: Number(row?.system ?? 0),
  };
}
