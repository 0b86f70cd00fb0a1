import type PgBoss from "pg-boss";

export interface WorkLoopOptions {
  batchSize: number;
  pollingIntervalSeconds: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Works one queue like pg-boss's `work()`, with two differences that matter when
 * the database goes away: completing or failing a batch is awaited and its
 * failure logged (pg-boss 10 leaves those promises unhandled, which Node treats
 * as a crash), and a batch is never abandoned at its jobs' expiry to start the
 * next one beside it (an expired job is handed out again elsewhere; for drafts
 * the run's lease decides who works it). Ends when the queue stops.
 */
export function workQueue<T>(
  boss: PgBoss,
  name: string,
  options: WorkLoopOptions,
  handler: (jobs: PgBoss.Job<T>[]) => Promise<void>,
): void {
  const state = stateOf(boss);
  const intervalMs = options.pollingIntervalSeconds * 1000;
  const loop = async () => {
    while (!state.stopping) {
      const started = performance.now();
      try {
        const jobs = await boss.fetch<T>(name, { batchSize: options.batchSize });
        if (jobs.length > 0) await settle(boss, name, jobs, handler);
      } catch (error) {
        if (!state.stopping) console.error(`job queue ${name}:`, messageOf(error));
      }
      const wait = intervalMs - (performance.now() - started);
      if (wait > 0 && !state.stopping) await pause(wait);
    }
  };
  state.loops.push(loop());
}

interface LoopState {
  stopping: boolean;
  loops: Promise<void>[];
}

const states = new WeakMap<PgBoss, LoopState>();

function stateOf(boss: PgBoss): LoopState {
  let state = states.get(boss);
  if (!state) {
    const created: LoopState = { stopping: false, loops: [] };
    boss.on("stopped", () => {
      created.stopping = true;
    });
    states.set(boss, created);
    state = created;
  }
  return state;
}

/** Stops taking jobs and waits for the batches in hand to finish (a graceful stop, before `boss.stop()`). */
export async function stopWorking(boss: PgBoss): Promise<void> {
  const state = stateOf(boss);
  state.stopping = true;
  await Promise.all(state.loops);
}

async function settle<T>(
  boss: PgBoss,
  name: string,
  jobs: PgBoss.Job<T>[],
  handler: (jobs: PgBoss.Job<T>[]) => Promise<void>,
): Promise<void> {
  const ids = jobs.map((job) => job.id);
  try {
    await handler(jobs);
  } catch (error) {
    // Retried with the queue's backoff; if the database is away too, the jobs expire and are retried then.
    console.error(`job queue ${name}: a batch of ${ids.length} failed:`, messageOf(error));
    await boss.fail(name, ids).catch((e: unknown) => {
      console.error(`job queue ${name}: could not record a failure:`, messageOf(e));
    });
    return;
  }
  await boss.complete(name, ids).catch((error: unknown) => {
    console.error(
      `job queue ${name}: could not record completion (the jobs expire and run again):`,
      messageOf(error),
    );
  });
}
