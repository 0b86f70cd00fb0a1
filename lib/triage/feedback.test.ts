import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "@/lib/guardrails/default-policy";
import { loadBitext, loadShopTickets } from "@/lib/triage/datasets";
import { compareWithCorrections, loadCorrectionsFile, retrainWithCorrections } from "@/lib/triage/feedback";
import { serializeModel } from "@/lib/triage/model";
import { DEFAULT_TRAIN_OPTIONS, trainTriageModel } from "@/lib/triage/train";

// A small model keeps the test fast: the shop's tickets and a fifth of Bitext, fewer buckets and epochs.
const OPTIONS = { ...DEFAULT_TRAIN_OPTIONS, buckets: 1 << 14, epochs: 4 };
const rows = [...loadShopTickets(), ...loadBitext().filter((_, i) => i % 5 === 0)];
const corrections = loadCorrectionsFile(
  path.join(process.cwd(), "data", "triage", "example-corrections.json"),
);

describe("retraining with reviewers' corrections", () => {
  it("reads each corrected ticket as the reviewer said, and the same corrections give the same model", () => {
    const base = trainTriageModel(rows, OPTIONS);
    const retrained = retrainWithCorrections(rows, corrections, OPTIONS);
    const report = compareWithCorrections(base, retrained, DEFAULT_RULES, rows, corrections);

    expect(report.corrections.map((c) => c.before)).not.toEqual(report.corrections.map((c) => c.corrected));
    expect(report.corrections.map((c) => c.after)).toEqual(report.corrections.map((c) => c.corrected));
    expect(report.corrections.every((c) => c.followed)).toBe(true);
    expect(report.before[0]?.dataset).toBe("all");
    expect(report.after[0]?.rows).toBe(report.before[0]?.rows);

    const again = retrainWithCorrections(rows, corrections, OPTIONS);
    expect(serializeModel(again).equals(serializeModel(retrained))).toBe(true);
  }, 120_000);

  it("refuses a corrections file whose intent triage does not know", () => {
    expect(() => loadCorrectionsFile(path.join(process.cwd(), "package.json"))).toThrow(
      /not a list of corrections/,
    );
  });
});
