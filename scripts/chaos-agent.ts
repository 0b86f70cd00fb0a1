/**
 * `npm run chaos:agent [-- --tickets 300 --concurrency 4 --keep]`: drafts
 * seeded tickets on a fresh PostgreSQL database with a scripted model that
 * misbehaves in every named way (lib/agent/hostile), served over HTTP on
 * loopback and driven through the real OpenAI-compatible provider. Prints,
 * per behaviour, the runs, their outcomes and the invariant violations found
 * in the stored rows; the last line is `invariant violations: N`.
 */
import { asc, eq } from "drizzle-orm";
import { agentActions, tickets } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { BEHAVIOUR_NAMES, type BehaviourName } from "@/lib/agent/hostile/behaviours";
import { runViolations } from "@/lib/agent/hostile/check";
import { startHostileServer } from "@/lib/agent/hostile/server";
import { worldOf } from "@/lib/agent/hostile/world";
import { getLanguageModel, OFFLINE_MODEL_ID } from "@/lib/agent/models";
import { runAgent } from "@/lib/agent/run";
import { resetEnvCache } from "@/lib/env";
import { freshBenchDatabase, parseArgs } from "./bench/db";

const args = parseArgs(process.argv.slice(2));
const target = Number(args.tickets ?? 300);
const concurrency = Number(args.concurrency ?? 4);
const RESILIENCE = {
  timeoutMs: 30_000,
  maxAttempts: 3,
  initialDelayMs: 1,
  maxDelayMs: 10,
  // Behaviours share one provider; a high threshold keeps one behaviour's errors from opening it for all.
  breakerThreshold: 1_000,
  halfOpenAfterMs: 1_000,
};

interface Tally {
  runs: number;
  outcomes: Map<string, number>;
  violations: number;
  examples: string[];
}

const handle = await freshBenchDatabase("countersign_chaos_agent");
let hostile: ReturnType<typeof startHostileServer> | null = null;
let exitCode = 0;
try {
  await seedDemo(handle.db, { ticketsPerIntent: Math.ceil(target / 27) });
  const world = await worldOf(handle.db);
  hostile = startHostileServer(world);
  process.env.OPENAI_COMPATIBLE_BASE_URL = await hostile.listen();
  resetEnvCache();
  const ids = (await handle.db.select({ id: tickets.id }).from(tickets).orderBy(asc(tickets.externalId)))
    .map((t) => t.id)
    .slice(0, target);
  console.log(
    `chaos:agent — ${ids.length} tickets, ${BEHAVIOUR_NAMES.length} behaviours, concurrency ${concurrency}, PostgreSQL`,
  );

  const tallies = new Map<BehaviourName, Tally>(
    BEHAVIOUR_NAMES.map((b) => [b, { runs: 0, outcomes: new Map(), violations: 0, examples: [] }]),
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const i = next++;
        const id = ids[i];
        if (!id) break;
        const behaviour = BEHAVIOUR_NAMES[i % BEHAVIOUR_NAMES.length] as BehaviourName;
        const tally = tallies.get(behaviour) as Tally;
        tally.runs++;
        let found: string[];
        let outcome: string;
        try {
          const run = await runAgent(handle.db, id, {
            models: {
              small: `compatible:${behaviour}`,
              large: `compatible:${behaviour}`,
              fallback: OFFLINE_MODEL_ID,
            },
            resolveModel: (modelId) => getLanguageModel(modelId),
            resilience: RESILIENCE,
            useCache: false,
          });
          found = await runViolations(handle.db, run.runId);
          const stored = await handle.db
            .select({ kind: agentActions.kind, status: agentActions.status })
            .from(agentActions)
            .where(eq(agentActions.runId, run.runId));
          const kindsOf = (status: string) =>
            [...new Set(stored.filter((a) => a.status === status).map((a) => a.kind))].sort().join("+");
          const blocked = kindsOf("blocked");
          const kinds = `${kindsOf("pending_review") || "nothing"}${blocked ? ` (blocked ${blocked})` : ""}`;
          outcome = `${run.status}:${kinds}`;
        } catch (error) {
          found = [`the run threw: ${error instanceof Error ? error.message : String(error)}`];
          outcome = "threw";
        }
        tally.outcomes.set(outcome, (tally.outcomes.get(outcome) ?? 0) + 1);
        tally.violations += found.length;
        for (const f of found) if (tally.examples.length < 3) tally.examples.push(f);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const width = Math.max(...BEHAVIOUR_NAMES.map((b) => b.length));
  console.log(
    `${"behaviour".padEnd(width)}  runs  violations  outcomes (run status:pending actions (blocked ones))`,
  );
  let total = 0;
  for (const [name, t] of tallies) {
    total += t.violations;
    const outcomes = [...t.outcomes].map(([o, n]) => `${o} ×${n}`).join(", ");
    console.log(
      `${name.padEnd(width)}  ${String(t.runs).padStart(4)}  ${String(t.violations).padStart(10)}  ${outcomes}`,
    );
    for (const e of t.examples) console.log(`${"".padEnd(width)}    ! ${e}`);
  }
  console.log(`${ids.length} runs in ${seconds.toFixed(1)} s`);
  console.log(`invariant violations: ${total}`);
  if (total > 0) exitCode = 1;
} finally {
  await hostile?.close();
  if (args.keep) await handle.close();
  else await handle.drop();
}
process.exit(exitCode);
