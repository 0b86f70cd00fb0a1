import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { AGENT_SHAPES, type AgentShape } from "@/db/schema";
import type { Range } from "./period";
import { at } from "./sql";

/** One agent shape's runs in a period, read from the records (runs, their actions and reviews). */
export interface ShapeFigures {
  shape: AgentShape;
  runs: number;
  /** Runs whose pending proposals include an escalation to a person. */
  escalatedRuns: number;
  /** Actions of these runs a person decided, and of those approved as proposed or edited. */
  decided: number;
  approved: number;
  avgTokens: number | null;
  avgCostMicroUsd: number | null;
  p50LatencyMs: number | null;
}

/** The reviewer agent's verdicts on replies, against the person's decision on the same action. */
export interface ReviewerAgentFigures {
  /** Team runs whose reviewer gave a verdict, and its cost (tokens and money) over them. */
  verdicts: number;
  passed: number;
  costMicroUsd: number;
  tokens: number;
  /** Replies a person decided after the reviewer agent's verdict. */
  compared: number;
  /** Verdict and decision agree: passed and approved or edited, or not passed and rejected or escalated. */
  agreed: number;
  /** Passed by the reviewer agent, rejected or escalated by the person. */
  passedButRejected: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Figures per agent shape for runs started in `range`; shapes with no run are listed with zeros. */
export async function loadShapeFigures(db: Db, range: Range): Promise<ShapeFigures[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select r.shape, count(*) as runs,
        count(*) filter (where exists (
          select 1 from agent_actions a
          where a.run_id = r.id and a.kind = 'escalation' and a.status <> 'blocked')) as escalated,
        avg(r.input_tokens + r.output_tokens) as tokens, avg(r.cost_micro_usd) as cost,
        percentile_cont(0.5) within group (order by r.latency_ms) as p50,
        (select count(*) from reviews v join agent_runs x on x.id = v.run_id
          where x.shape = r.shape and x.started_at >= ${at(range.from)} and x.started_at < ${at(range.to)}) as decided,
        (select count(*) from reviews v join agent_runs x on x.id = v.run_id
          where x.shape = r.shape and x.started_at >= ${at(range.from)} and x.started_at < ${at(range.to)}
            and v.decision in ('approve', 'edit')) as approved
      from agent_runs r
      where r.status <> 'running' and r.started_at >= ${at(range.from)} and r.started_at < ${at(range.to)}
      group by r.shape`),
  );
  const byShape = new Map(rows.map((r) => [String(r.shape), r]));
  return AGENT_SHAPES.map((shape) => {
    const r = byShape.get(shape);
    return {
      shape,
      runs: Number(r?.runs ?? 0),
      escalatedRuns: Number(r?.escalated ?? 0),
      decided: Number(r?.decided ?? 0),
      approved: Number(r?.approved ?? 0),
      avgTokens: num(r?.tokens),
      avgCostMicroUsd: num(r?.cost),
      p50LatencyMs: num(r?.p50),
    };
  });
}

/**
 * The reviewer agent against people: its last verdict in each team run
 * (the `reviewer` scope step), compared with the review of the run's reply.
 * An admin reads whether it is worth its cost: how often it agreed, and how
 * often it passed what a person then rejected.
 */
export async function loadReviewerAgentFigures(db: Db, range: Range): Promise<ReviewerAgentFigures> {
  const [row] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with verdicts as (
        select distinct on (s.run_id) s.run_id, s.output->>'verdict' as verdict
        from agent_steps s join agent_runs r on r.id = s.run_id
        where r.shape = 'team' and s.kind = 'scope' and s.name = 'reviewer' and s.output ? 'verdict'
          and r.started_at >= ${at(range.from)} and r.started_at < ${at(range.to)}
        order by s.run_id, s.seq desc
      ), spent as (
        select coalesce(sum((s.output->'totals'->>'costMicroUsd')::bigint), 0) as cost,
               coalesce(sum((s.output->'totals'->>'inputTokens')::bigint + (s.output->'totals'->>'outputTokens')::bigint), 0) as tokens
        from agent_steps s join verdicts v on v.run_id = s.run_id
        where s.kind = 'scope' and s.name = 'reviewer'
      ), compared as (
        select v.verdict, rv.decision
        from verdicts v join reviews rv on rv.run_id = v.run_id and rv.action_kind = 'reply'
      )
      select (select count(*) from verdicts) as verdicts,
             (select count(*) from verdicts where verdict = 'pass') as passed,
             (select cost from spent) as cost, (select tokens from spent) as tokens,
             (select count(*) from compared) as compared,
             (select count(*) from compared
               where (verdict = 'pass') = (decision in ('approve', 'edit'))) as agreed,
             (select count(*) from compared
               where verdict = 'pass' and decision in ('reject', 'escalate')) as passed_rejected`),
  );
  return {
    verdicts: Number(row?.verdicts ?? 0),
    passed: Number(row?.passed ?? 0),
    costMicroUsd: Number(row?.cost ?? 0),
    tokens: Number(row?.tokens ?? 0),
    compared: Number(row?.compared ?? 0),
    agreed: Number(row?.agreed ?? 0),
    passedButRejected: Number(row?.passed_rejected ?? 0),
  };
}
