import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { agentRuns, agentSteps, type Budget, type StepKind, type VerificationCheck } from "@/db/schema";
import { capJson } from "./limits";

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

/**
 * Appends the decision chain to agent_steps as it happens, so a crash leaves
 * the chain so far. Sequence numbers are taken synchronously, so steps of
 * tool calls that run in parallel never collide. Inputs and outputs larger
 * than the stored-step cap are kept as a marked preview.
 */
export class StepRecorder {
  private seq = 0;
  readonly totals = { inputTokens: 0, outputTokens: 0, costMicroUsd: 0, modelCalls: 0 };
  /** Time spent writing the chain, for the benchmark's breakdown. */
  writeMs = 0;
  /** The stage or team agent steps are recorded under (lib/agent/shapes/scope.ts sets it). */
  scope: { name: string; parent: string | null } | null = null;

  constructor(
    private readonly db: Db,
    readonly runId: string,
  ) {}

  async record(step: StepRecord): Promise<void> {
    const seq = ++this.seq;
    this.totals.inputTokens += step.inputTokens ?? 0;
    this.totals.outputTokens += step.outputTokens ?? 0;
    this.totals.costMicroUsd += step.costMicroUsd ?? 0;
    if (step.kind === "plan") this.totals.modelCalls++;
    const started = performance.now();
    await this.db.insert(agentSteps).values({
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
    });
    this.writeMs += performance.now() - started;
  }

  get steps(): number {
    return this.seq;
  }

  /** Keeps the run's running totals current, so a crashed run still shows what it spent. */
  async flushTotals(): Promise<void> {
    await this.db
      .update(agentRuns)
      .set({
        inputTokens: this.totals.inputTokens,
        outputTokens: this.totals.outputTokens,
        costMicroUsd: sql`${this.totals.costMicroUsd}`,
      })
      .where(eq(agentRuns.id, this.runId));
  }
}
