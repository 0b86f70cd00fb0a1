import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { agentActions, agentRuns, customers, type RunStatus, tickets } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { RoutingTable } from "@/lib/routing/load";
import { routeAction } from "@/lib/routing/route-action";
import { actionFacts, type RunRoutingFacts } from "@/lib/routing/run-facts";
import type { ModelFailure, RunErrorKind } from "./models/errors";
import type { StepRecorder, Transaction } from "./recorder";
import { BLOCKED, PROPOSED, SUPERSEDED, TICKET_ON_RUN, UNDECIDED_ACTIONS } from "./transitions";
import type { BlockedProposal, Proposal, TicketInput } from "./types";

const RECLAIMED =
  "This run's lease expired before it finished, so it was reclaimed and its ticket queued for drafting again.";

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  cacheHit: boolean;
  actions: { id: string; kind: string; status: string; blockedBy: string | null }[];
  /** Where the run's time went, in milliseconds (for the benchmark). */
  timings: { totalMs: number; writeMs: number };
}

/** The ticket as the loop sees it, with its customer (null for an unknown sender). */
export async function loadTicket(db: Db, ticketId: string): Promise<TicketInput> {
  const [row] = await db
    .select({
      id: tickets.id,
      subject: tickets.subject,
      body: tickets.body,
      fromEmail: tickets.fromEmail,
      channel: tickets.channel,
      createdAt: tickets.createdAt,
      metadata: tickets.metadata,
      customerId: customers.id,
      customerEmail: customers.email,
      customerName: customers.name,
      customerTier: customers.tier,
    })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(eq(tickets.id, ticketId))
    .limit(1);
  if (!row) throw new AppError("not_found:ticket", "This ticket does not exist (it may have been deleted).");
  const { customerId, customerEmail, customerName, customerTier, ...ticket } = row;
  return {
    ...ticket,
    customer:
      customerId && customerEmail && customerName && customerTier
        ? { id: customerId, email: customerEmail, name: customerName, tier: customerTier }
        : null,
  };
}

export interface Finish {
  runId: string;
  ticketId: string;
  recorder: StepRecorder;
  started: number;
  status: RunStatus;
  cacheHit: boolean;
  modelId: string;
  proposals: Proposal[];
  blocked: BlockedProposal[];
  /** Why the configured model did not draft (null when it did). */
  failure?: ModelFailure | null;
  /** Review groups and rules read as the run started (null: routing is off) and the ticket's facts. */
  routing?: { table: RoutingTable | null; facts: Omit<RunRoutingFacts, "firedRules"> };
}

/** The group each new action goes to, worked out in memory (no statement of its own). */
function placement(
  f: Finish,
  action: { kind: string; payload: Record<string, unknown>; blockedBy?: string },
) {
  const table = f.routing?.table;
  if (!f.routing || !table) return {};
  const facts = actionFacts({ ...f.routing.facts, firedRules: [...f.recorder.guardrails] }, action);
  return routeAction(facts, table.rules, table.defaultGroupId);
}

/** The rest of the chain, actions, run totals and the ticket's status commit together. Older undecided actions are superseded. */
export async function finishRun(db: Db, f: Finish): Promise<RunOutcome> {
  const rows = [
    ...f.proposals.map((p) => ({
      runId: f.runId,
      ticketId: f.ticketId,
      kind: p.kind,
      payload: p.payload,
      status: PROPOSED,
      ...placement(f, p),
    })),
    ...f.blocked.map((b) => ({
      runId: f.runId,
      ticketId: f.ticketId,
      kind: b.kind,
      payload: b.payload,
      status: BLOCKED,
      blockedBy: b.blockedBy,
      blockedReason: b.blockedReason,
      blockedCheck: b.blockedCheck ?? null,
      ...placement(f, b),
    })),
  ];
  const actions = await f.recorder.inTransaction(db, async (tx) => {
    // One statement closes the run and, only if this process still held it, supersedes the
    // ticket's older undecided actions and moves the ticket on; the new actions go alongside.
    const kept = tx.$with("kept").as(
      tx
        .update(agentRuns)
        .set({
          status: f.status,
          model: f.modelId,
          cacheHit: f.cacheHit,
          error: f.failure?.message ?? null,
          errorKind: f.failure?.kind ?? null,
          inputTokens: f.recorder.totals.inputTokens,
          outputTokens: f.recorder.totals.outputTokens,
          costMicroUsd: f.recorder.totals.costMicroUsd,
          latencyMs: Math.round(performance.now() - f.started),
          endedAt: new Date(),
        })
        .where(and(eq(agentRuns.id, f.runId), eq(agentRuns.status, "running")))
        .returning({ id: agentRuns.id }),
    );
    const superseded = tx.$with("superseded").as(
      tx
        .update(agentActions)
        .set({ status: SUPERSEDED, version: sql`${agentActions.version} + 1` })
        .where(
          and(
            eq(agentActions.ticketId, f.ticketId),
            ne(agentActions.runId, f.runId),
            inArray(agentActions.status, [...UNDECIDED_ACTIONS]),
            sql`exists (select 1 from ${kept})`,
          ),
        )
        .returning({ id: agentActions.id }),
    );
    const closing = tx
      .with(kept, superseded)
      .update(tickets)
      .set({ status: TICKET_ON_RUN.finish, updatedAt: new Date() })
      .where(and(eq(tickets.id, f.ticketId), sql`exists (select 1 from ${kept})`))
      .returning({ id: tickets.id });
    const inserting = rows.length
      ? tx.insert(agentActions).values(rows).returning({
          id: agentActions.id,
          kind: agentActions.kind,
          status: agentActions.status,
          blockedBy: agentActions.blockedBy,
        })
      : Promise.resolve([]);
    const [closed, inserted] = await Promise.allSettled([closing, inserting]);
    if (closed.status === "rejected") throw closed.reason;
    if (inserted.status === "rejected") throw inserted.reason;
    // A run reclaimed after its lease ran out is no longer this process's: its result is dropped.
    if (closed.value.length === 0) throw new AppError("conflict:run", RECLAIMED);
    return inserted.value;
  });
  return {
    runId: f.runId,
    status: f.status,
    cacheHit: f.cacheHit,
    actions,
    timings: { totalMs: performance.now() - f.started, writeMs: f.recorder.writeMs },
  };
}

export async function failRun(
  db: Db,
  runId: string,
  ticketId: string,
  error: string,
  recorder: StepRecorder,
  started: number,
  errorKind: RunErrorKind | null = null,
) {
  const close = async (tx: Transaction) => {
    const [kept] = await tx
      .update(agentRuns)
      .set({
        status: "failed",
        error,
        errorKind,
        inputTokens: recorder.totals.inputTokens,
        outputTokens: recorder.totals.outputTokens,
        costMicroUsd: recorder.totals.costMicroUsd,
        latencyMs: Math.round(performance.now() - started),
        endedAt: new Date(),
      })
      .where(and(eq(agentRuns.id, runId), eq(agentRuns.status, "running")))
      .returning({ id: agentRuns.id });
    // A reclaimed run's ticket is already back in the queue (or drafted by another run).
    if (!kept) return;
    await tx
      .update(tickets)
      .set({ status: TICKET_ON_RUN.fail, updatedAt: new Date() })
      .where(eq(tickets.id, ticketId));
  };
  // The run is closed with the rest of its chain, or without it when that cannot be stored.
  await recorder.inTransaction(db, close).catch(() => db.transaction(close));
}
