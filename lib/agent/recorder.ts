import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { agentRuns, agentSteps, type Budget, type StepKind, type VerificationCheck } from "@/db/schema";
import { capJson, LIMITS } from "./limits";

export interface StepRecord {
  kind: StepKind;
  name: string;
  /** Verification steps: the check, its round (0 first pass, 1 repair) and result (see lib/agent/chain.ts). */
  check?: VerificationCheck;
  round?: number;
  passed?: boolean;
  /** The budget-exhausted step: which budget ran out. */
  budget?: Budget;
  input?: unknown;
  output?: unknown;
  model?: string | null;
  inputTokens?: number;
  outputTokens?: number;
  costMicroUsd?: number;
  latencyMs?: number;
}

/** An open transaction on the database. */
export type Transaction = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Executor = Db | Transaction;

type StepRow = typeof agentSteps.$inferInsert;

/**
 * Records the decision chain of one run. Sequence numbers are taken
 * synchronously, so steps of tool calls that run in parallel never collide;
 * inputs and outputs larger than the stored-step cap are kept as a marked
 * preview, and each step keeps the time it happened.
 *
 * Steps are written in batches: a step waits at most `LIMITS.stepFlushMs`
 * before its batch is stored with the run's running totals in one statement,
 * so the ticket page shows the chain as the run works and a crashed run
 * still shows what it spent (a process that dies loses at most its last
 * `stepFlushMs` of steps). The steps still unsaved when the run ends are
 * written by `inTransaction` with its outcome (see run-persist.ts), so a
 * finished or failed run always has its whole chain. A background write that
 * fails keeps its steps for the next one.
 */
export class StepRecorder {
  private seq = 0;
  private pending: StepRow[] = [];
  private inFlight: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The totals last stored, to skip a write that would change nothing. */
  private storedTotals = "";
  readonly totals = { inputTokens: 0, outputTokens: 0, costMicroUsd: 0, modelCalls: 0 };
  /** Time spent writing the chain, for the benchmark's breakdown. */
  writeMs = 0;
  /** Names of the guardrail steps recorded (the policy rules that fired), for routing the run's actions. */
  readonly guardrails = new Set<string>();
  /** The stage or team agent steps are recorded under (lib/agent/shapes/scope.ts sets it). */
  scope: { name: string; parent: string | null } | null = null;

  constructor(
    private readonly db: Db,
    readonly runId: string,
    private readonly flushMs: number = LIMITS.stepFlushMs,
  ) {}

  /** Takes the step's place in the chain now; it is stored within `flushMs`. */
  async record(step: StepRecord): Promise<void> {
    const seq = ++this.seq;
    this.totals.inputTokens += step.inputTokens ?? 0;
    this.totals.outputTokens += step.outputTokens ?? 0;
    this.totals.costMicroUsd += step.costMicroUsd ?? 0;
    if (step.kind === "plan") this.totals.modelCalls++;
    if (step.kind === "guardrail") this.guardrails.add(step.name);
    this.pending.push({
      runId: this.runId,
      seq,
      kind: step.kind,
      name: step.name,
      check: step.check ?? null,
      round: step.round ?? null,
      passed: step.passed ?? null,
      budget: step.budget ?? null,
      scope: this.scope?.name ?? null,
      parentScope: this.scope?.parent ?? null,
      input: capJson(step.input ?? null),
      output: capJson(step.output ?? null),
      model: step.model ?? null,
      inputTokens: step.inputTokens ?? 0,
      outputTokens: step.outputTokens ?? 0,
      costMicroUsd: step.costMicroUsd ?? 0,
      latencyMs: Math.round(step.latencyMs ?? 0),
      createdAt: new Date(),
    });
    this.schedule();
  }

  get steps(): number {
    return this.seq;
  }

  /** Steps taken but not stored yet. */
  get unsaved(): number {
    return this.pending.length;
  }

  /** Stores every step taken so far and the running totals now. Throws when the write fails, keeping the steps. */
  async flush(): Promise<void> {
    const batch = await this.take();
    if (batch.length === 0 && this.storedTotals === JSON.stringify(this.totals)) return;
    const write = this.write(this.db, batch).catch((error: unknown) => this.keep(batch, error));
    this.inFlight = write;
    try {
      await write;
    } finally {
      if (this.inFlight === write) this.inFlight = null;
    }
  }

  /**
   * Runs `fn` in one transaction that also stores every step not stored
   * yet: the run's outcome commits with the rest of its chain. If the
   * transaction rolls back, the steps stay unsaved for the next attempt.
   */
  async inTransaction<T>(db: Db, fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const batch = await this.take();
    try {
      return await db.transaction(async (tx) => {
        // Sent with fn's first statement on the transaction's connection, not a round trip before it.
        const [done, wrote] = await Promise.allSettled([fn(tx), batch.length ? this.write(tx, batch) : null]);
        if (wrote.status === "rejected") throw wrote.reason;
        if (done.status === "rejected") throw done.reason;
        return done.value;
      });
    } catch (error) {
      return this.keep(batch, error);
    }
  }

  private schedule() {
    if (this.timer || this.flushMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // A failed background write keeps its steps; the next flush retries them.
      this.flush().catch(() => undefined);
    }, this.flushMs);
    this.timer.unref?.();
  }

  /** The steps not stored yet, once a write on its way has settled; the caller writes them or keeps them. */
  private async take(): Promise<StepRow[]> {
    this.cancelTimer();
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    return this.pending.splice(0);
  }

  private keep(batch: StepRow[], error: unknown): never {
    this.pending.unshift(...batch);
    throw error;
  }

  private cancelTimer() {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
  }

  private async write(executor: Executor, batch: StepRow[]): Promise<void> {
    const started = performance.now();
    const stored = JSON.stringify(this.totals);
    const totals = {
      inputTokens: this.totals.inputTokens,
      outputTokens: this.totals.outputTokens,
      costMicroUsd: sql`${this.totals.costMicroUsd}`,
    };
    // One round trip: the batch and the totals it adds up to, in one statement.
    if (batch.length) await executor.execute(stepsWithTotals(this.runId, batch, this.totals));
    else await executor.update(agentRuns).set(totals).where(eq(agentRuns.id, this.runId));
    this.storedTotals = stored;
    this.writeMs += performance.now() - started;
  }
}

/** The columns of a stored step as the batch's JSON records carry them (agent_steps' own types). */
const STEP_RECORD = sql.raw(
  "run_id uuid, seq integer, kind text, name text, check_name text, round smallint, passed boolean, " +
    "budget text, scope text, parent_scope text, input jsonb, output jsonb, model text, input_tokens integer, " +
    "output_tokens integer, cost_micro_usd bigint, latency_ms integer, created_at timestamptz",
);
const STEP_COLUMNS = sql.raw(
  "run_id, seq, kind, name, check_name, round, passed, budget, scope, parent_scope, input, output, model, " +
    "input_tokens, output_tokens, cost_micro_usd, latency_ms, created_at",
);

/**
 * A batch of steps and the run's totals in one statement. The batch travels as one JSON parameter
 * (jsonb_to_recordset) rather than a parameter per column of each step: the statement's text is the
 * same whatever the batch's size, so the server prepares it once per connection, and building it
 * costs the same for one step or fifty.
 */
function stepsWithTotals(runId: string, batch: StepRow[], totals: StepRecorder["totals"]) {
  const records = batch.map((r) => ({
    run_id: r.runId,
    seq: r.seq,
    kind: r.kind,
    name: r.name,
    check_name: r.check ?? null,
    round: r.round ?? null,
    passed: r.passed ?? null,
    budget: r.budget ?? null,
    scope: r.scope ?? null,
    parent_scope: r.parentScope ?? null,
    input: r.input ?? null,
    output: r.output ?? null,
    model: r.model ?? null,
    input_tokens: r.inputTokens ?? 0,
    output_tokens: r.outputTokens ?? 0,
    cost_micro_usd: r.costMicroUsd ?? 0,
    latency_ms: r.latencyMs ?? 0,
    created_at: r.createdAt ?? new Date(),
  }));
  return sql`with "steps" as (insert into ${agentSteps} (${STEP_COLUMNS})
    select ${STEP_COLUMNS} from jsonb_to_recordset(${JSON.stringify(records)}::text::jsonb) as s(${STEP_RECORD})
    returning seq)
  update ${agentRuns} set input_tokens = ${totals.inputTokens}, output_tokens = ${totals.outputTokens},
    cost_micro_usd = ${totals.costMicroUsd} where id = ${runId}`;
}
