/**
 * `npm run eval`: scores the agent's decision layer (triage, the default
 * policy's rules, the offline model's answer-or-abstain rule) per data set on
 * held-out rows the triage model never trained on, with each goal marked met
 * or missed. `npm run eval -- --agent` runs the whole agent over the seeded
 * demo tickets instead (DATABASE_URL when set; otherwise an in-memory database).
 * `npm run eval -- --with-reviews` also retrains the model in memory with the
 * reviewers' corrections from DATABASE_URL (or `--corrections <file.json>`)
 * and prints what they changed: held-out figures before and after, and how
 * each corrected ticket reads. `npm run eval -- --shape loop,workflow,team`
 * (or `--shape all`, or one shape) runs the demo tickets in the triage
 * model's held-out split through each agent shape on a fresh in-memory
 * database and prints quality, escalations, tokens, cost and latency side by side.
 */
import { statSync } from "node:fs";
import { migrateDatabase, openDatabase } from "@/db/client";
import { AGENT_SHAPES, type AgentShape } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { evaluateAgent, formatReport } from "@/lib/agent/eval";
import { evaluateShapes, formatShapeReports, heldOutTickets } from "@/lib/agent/shape-eval";
import { env } from "@/lib/env";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { type LabelledRow, loadAllDatasets } from "@/lib/triage/datasets";
import { scoreDatasets } from "@/lib/triage/eval";
import { formatFeedback, formatScores } from "@/lib/triage/eval-report";
import {
  CORRECTION_WEIGHT,
  compareWithCorrections,
  loadCorrectionsFile,
  retrainWithCorrections,
} from "@/lib/triage/feedback";
import { classify, loadTriageModel, MODEL_PATH, type TriageModel } from "@/lib/triage/model";

async function agentEval() {
  const url = env().DATABASE_URL;
  const handle = url ? await openDatabase({ kind: "postgres", url }) : await openDatabase({ kind: "pglite" });
  try {
    await migrateDatabase(handle);
    await seedDemo(handle.db);
    const report = await evaluateAgent(handle.db, (done, total) => {
      if (done % 50 === 0 || done === total) process.stderr.write(`  ${done}/${total} tickets\n`);
    });
    console.log(formatReport(report));
  } finally {
    await handle.close();
  }
}

/** The shapes `--shape` names: one, a comma-separated list, or `all`. */
function requestedShapes(): AgentShape[] {
  const value = process.argv[process.argv.indexOf("--shape") + 1] ?? "all";
  const names = value === "all" ? [...AGENT_SHAPES] : value.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !(AGENT_SHAPES as readonly string[]).includes(n));
  if (unknown.length || names.length === 0)
    throw new Error(`--shape takes ${AGENT_SHAPES.join(", ")} (comma-separated) or all; got "${value}".`);
  return names as AgentShape[];
}

async function shapeEval() {
  const shapes = requestedShapes();
  // A fresh in-memory database: switching the published policy's shape never touches real data.
  const handle = await openDatabase({ kind: "pglite" });
  try {
    await migrateDatabase(handle);
    await seedDemo(handle.db);
    const ids = await heldOutTickets(handle.db);
    const reports = await evaluateShapes(handle.db, shapes, ids, (shape, done, total) => {
      if (done % 25 === 0 || done === total) process.stderr.write(`  ${shape}: ${done}/${total} tickets\n`);
    });
    console.log(formatShapeReports(reports));
  } finally {
    await handle.close();
  }
}

async function corrections() {
  const at = process.argv.indexOf("--corrections");
  if (at >= 0) {
    const file = process.argv[at + 1];
    if (!file) throw new Error("--corrections needs a JSON file, e.g. data/triage/example-corrections.json");
    return loadCorrectionsFile(file);
  }
  const { loadReviewCorrections } = await import("@/lib/triage/corrections");
  return loadReviewCorrections();
}

async function feedbackEval(model: TriageModel, rows: LabelledRow[]) {
  const found = await corrections();
  console.log(`\nReviewers' corrections: ${found.length}.`);
  if (found.length === 0) {
    console.log(
      "No corrections to learn from: correct a ticket's intent or category on the review screen first.",
    );
    return;
  }
  const started = performance.now();
  const retrained = retrainWithCorrections(rows, found);
  console.log(
    `Retrained in memory with them (each counted ${CORRECTION_WEIGHT} times) in ${((performance.now() - started) / 1000).toFixed(1)} s; the base model is ${MODEL_PATH}.\n`,
  );
  console.log(formatFeedback(compareWithCorrections(model, retrained, DEFAULT_RULES, rows, found)));
}

async function triageEval() {
  const started = performance.now();
  const model = loadTriageModel();
  const loadMs = performance.now() - started;
  const rows = loadAllDatasets();
  const held = rows.filter((r) => r.split === "test");
  const t0 = performance.now();
  for (const r of held) classify(model, r.subject, r.body);
  const perTicketMs = (performance.now() - t0) / held.length;
  console.log(
    `Triage model ${MODEL_PATH}: ${(statSync(MODEL_PATH).size / 1e6).toFixed(2)} MB, loaded in ${loadMs.toFixed(0)} ms, ${perTicketMs.toFixed(3)} ms per ticket (${held.length} tickets).`,
  );
  console.log(
    `Held-out rows: the ${held.length} of ${rows.length} whose normalised text hashes to 0 or 5 mod 10 (FNV-1a); training never reads them.\n`,
  );
  console.log(formatScores(scoreDatasets(model, DEFAULT_RULES, rows)));
  if (process.argv.includes("--with-reviews") || process.argv.includes("--corrections"))
    await feedbackEval(model, rows);
}

(process.argv.includes("--shape")
  ? shapeEval()
  : process.argv.includes("--agent")
    ? agentEval()
    : triageEval()
).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
