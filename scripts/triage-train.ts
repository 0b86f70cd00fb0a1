/**
 * `npm run triage:train`: trains the triage model from the data sets in data/
 * (Bitext, BANKING77, CLINC150, the shop's own labelled tickets) and writes
 * data/triage/model.bin. `--with-reviews` adds reviewers' corrections from the
 * database (DATABASE_URL).
 */
import { writeFileSync } from "node:fs";
import { loadAllDatasets } from "@/lib/triage/datasets";
import { CORRECTION_WEIGHT, correctionTrainingRows } from "@/lib/triage/feedback";
import { MODEL_PATH, serializeModel } from "@/lib/triage/model";
import { DEFAULT_TRAIN_OPTIONS, trainTriageModel } from "@/lib/triage/train";

async function main() {
  const withReviews = process.argv.includes("--with-reviews");
  const rows = loadAllDatasets();
  if (withReviews) {
    const { loadReviewCorrections } = await import("@/lib/triage/corrections");
    const corrections = await loadReviewCorrections();
    console.log(
      `${corrections.length} reviewer corrections added to the training rows (each counted ${CORRECTION_WEIGHT} times)`,
    );
    rows.push(...correctionTrainingRows(corrections));
  }
  const counts = { train: 0, calibration: 0, test: 0 };
  for (const r of rows) counts[r.split]++;
  console.log(`rows: ${counts.train} train, ${counts.calibration} calibration, ${counts.test} held out`);
  const started = performance.now();
  const model = trainTriageModel(rows, DEFAULT_TRAIN_OPTIONS);
  const bytes = serializeModel(model);
  writeFileSync(MODEL_PATH, bytes);
  console.log(
    `trained in ${((performance.now() - started) / 1000).toFixed(1)} s; wrote ${MODEL_PATH} (${(bytes.length / 1e6).toFixed(2)} MB, sha-256 of data ${model.fingerprint.slice(0, 12)})`,
  );
  console.log(
    `temperatures: intent ${model.heads.intent.temperature}, category ${model.heads.category.temperature}, scope ${model.heads.scope.temperature}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
