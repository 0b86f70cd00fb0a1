/** The steps of `npm run bench:scale` against the app's API, and the database checks that follow. */
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import type { Receiver } from "./scale-cluster";

export interface TicketTemplate {
  subject: string;
  body: string;
  from: string;
}

/** The seeded demo tickets' texts and senders (known customers), reused for the ingested tickets. */
export async function templates(db: Db): Promise<TicketTemplate[]> {
  const rows = rowsOf<TicketTemplate>(
    await db.execute(sql`select subject, body, from_email as "from" from tickets order by external_id`),
  );
  if (rows.length === 0) throw new Error("The seed stored no demo tickets to copy.");
  return rows;
}

const externalPrefix = (run: string) => `scale-${run}-`;

/** Runs `work` for each index in [from, to) with `concurrency` at a time; returns the elapsed ms. */
async function pool(from: number, to: number, concurrency: number, work: (i: number) => Promise<void>) {
  const started = performance.now();
  let next = from;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) await work(next++);
    }),
  );
  return performance.now() - started;
}

/** POST /api/v1/tickets for tickets [from, to), alternating between the instances; any non-201 throws. */
export function ingestAll(
  bases: string[],
  apiKey: string,
  shapes: TicketTemplate[],
  run: string,
  from: number,
  to: number,
  concurrency: number,
): Promise<number> {
  return pool(from, to, concurrency, async (i) => {
    const shape = shapes[i % shapes.length] as TicketTemplate;
    const base = bases[i % bases.length] as string;
    const response = await fetch(`${base}/api/v1/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ ...shape, externalId: `${externalPrefix(run)}${i}`, channel: "api" }),
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status !== 201) {
      throw new Error(
        `Ingest of ticket ${i} through ${base} answered ${response.status}: ${await response.text()}`,
      );
    }
  });
}

/** Tickets of this run the agent has finished with (neither new nor drafting). */
export async function countDrafted(db: Db, run: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(*)::int as n from tickets
      where external_id like ${`${externalPrefix(run)}%`} and status not in ('new', 'drafting')`),
  );
  return row?.n ?? 0;
}

/** This run's outbox rows, and how many are not sent yet. */
export async function outboxProgress(db: Db, run: string): Promise<{ rows: number; owed: number }> {
  const [row] = rowsOf<{ rows: number; owed: number }>(
    await db.execute(sql`
      select count(*)::int as rows, (count(*) filter (where o.status <> 'sent'))::int as owed
      from outbox o join tickets t on t.id = o.ticket_id
      where t.external_id like ${`${externalPrefix(run)}%`}`),
  );
  return row ?? { rows: 0, owed: 0 };
}

interface Undecided {
  id: string;
  version: number;
  approve: boolean;
}

/**
 * Decides every undecided action of this run through the instances' decision route: replies and
 * escalations waiting for review are approved, anything else (a refund, a blocked action) rejected.
 */
export async function decideAll(
  db: Db,
  run: string,
  bases: string[],
  cookies: string[],
  concurrency: number,
): Promise<{ approved: number; rejected: number; ms: number }> {
  const actions = rowsOf<Undecided>(
    await db.execute(sql`
      select a.id, a.version, (a.status = 'pending_review' and a.kind in ('reply', 'escalation')) as approve
      from agent_actions a join tickets t on t.id = a.ticket_id
      where t.external_id like ${`${externalPrefix(run)}%`} and a.status in ('pending_review', 'blocked')
      order by a.created_at`),
  );
  let approved = 0;
  let rejected = 0;
  const ms = await pool(0, actions.length, concurrency, async (i) => {
    const action = actions[i] as Undecided;
    const base = bases[i % bases.length] as string;
    const body = action.approve
      ? { decision: "approve", version: action.version }
      : { decision: "reject", version: action.version, reason: "Not sent in this benchmark." };
    const response = await fetch(`${base}/api/v1/actions/${action.id}/decision`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: base,
        cookie: cookies[i % cookies.length] as string,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      throw new Error(
        `Decision on action ${action.id} through ${base} answered ${response.status}: ${await response.text()}`,
      );
    }
    if (action.approve) approved++;
    else rejected++;
  });
  return { approved, rejected, ms };
}

/** What the database and the receiver hold afterwards that should not be there; empty when all is well. */
export async function findProblems(
  db: Db,
  run: string,
  total: number,
  receiver: Receiver,
): Promise<string[]> {
  const like = `${externalPrefix(run)}%`;
  const [counts] = rowsOf<{
    tickets: number;
    stuck: number;
    runs: number;
    duplicated: number;
    running: number;
    undecided: number;
  }>(
    await db.execute(sql`
      with mine as (select id, status from tickets where external_id like ${like}),
      per_ticket as (select ticket_id, count(*)::int as n from agent_runs where ticket_id in (select id from mine) group by ticket_id)
      select
        (select count(*)::int from mine) as tickets,
        (select count(*)::int from mine where status in ('new', 'drafting')) as stuck,
        (select count(*)::int from per_ticket) as runs,
        (select count(*)::int from per_ticket where n > 1) as duplicated,
        (select count(*)::int from agent_runs where ticket_id in (select id from mine) and status = 'running') as running,
        (select count(*)::int from agent_actions where ticket_id in (select id from mine) and status in ('pending_review', 'blocked')) as undecided`),
  );
  const outbox = rowsOf<{ key: string; status: string }>(
    await db.execute(sql`
      select o.idempotency_key as key, o.status from outbox o join tickets t on t.id = o.ticket_id
      where t.external_id like ${like}`),
  );
  const problems: string[] = [];
  if (!counts) return ["The checks read nothing from the database."];
  if (counts.tickets !== total) problems.push(`${counts.tickets} tickets stored, ${total} acknowledged`);
  if (counts.stuck > 0) problems.push(`${counts.stuck} tickets still new or drafting`);
  if (counts.runs !== total) problems.push(`${counts.runs} of ${total} tickets have an agent run`);
  if (counts.duplicated > 0) problems.push(`${counts.duplicated} tickets were drafted more than once`);
  if (counts.running > 0) problems.push(`${counts.running} runs still running`);
  if (counts.undecided > 0) problems.push(`${counts.undecided} actions still undecided`);
  const unsent = outbox.filter((row) => row.status !== "sent");
  if (unsent.length > 0)
    problems.push(`${unsent.length} outbox rows not sent (${unsent.map((r) => r.status).join(", ")})`);
  const keys = new Set(outbox.map((row) => row.key));
  const missing = [...keys].filter((key) => !receiver.counts.has(key));
  if (missing.length > 0) problems.push(`${missing.length} outbox rows never reached the webhook`);
  const repeated = [...receiver.counts].filter(([, n]) => n > 1);
  if (repeated.length > 0) problems.push(`${repeated.length} idempotency keys delivered more than once`);
  const foreign = [...receiver.counts.keys()].filter((key) => !keys.has(key));
  if (foreign.length > 0) problems.push(`${foreign.length} deliveries with a key no outbox row has`);
  if (receiver.badSignatures > 0) problems.push(`${receiver.badSignatures} deliveries with a bad signature`);
  return problems;
}
