import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadAllDatasets, loadShopTickets } from "@/lib/triage/datasets";
import { splitOf } from "@/lib/triage/features";
import { INTENTS } from "@/lib/triage/labels";
import { classify, deserializeModel, loadTriageModel, MODEL_PATH, serializeModel } from "@/lib/triage/model";
import { DEFAULT_TRAIN_OPTIONS, trainTriageModel } from "@/lib/triage/train";

describe("the committed triage model", () => {
  // Load and per-ticket times are printed by `npm run eval`, not asserted here.
  it("is under 5 MB and loads from its file", () => {
    expect(statSync(MODEL_PATH).size).toBeLessThan(5_000_000);
    const model = deserializeModel(readFileSync(MODEL_PATH)); // not the per-process cache
    expect(model.heads.intent.labels).toEqual(INTENTS);
    expect(model.heads.category.labels).toEqual(["payments", "account_data", "legal", "security", "none"]);
  });

  it("classifies a ticket with calibrated probabilities", () => {
    const model = loadTriageModel();
    const t = classify(model, "Card stolen", "Someone stole my credit card and used it on your shop.");
    expect(t).toMatchObject({ intent: "card_security", category: "security" });
    const sum = Object.values(t.categories).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 2);
    expect(t.inScope).toBeGreaterThanOrEqual(0);
    expect(t.inScope).toBeLessThanOrEqual(1);
    expect(classify(model, "", "What is the capital of France?").intent).toBe("out_of_scope");
  });

  it("refuses a file that is not a model", () => {
    expect(() => deserializeModel(Buffer.from("hello world"))).toThrow(/not a triage model/);
  });
});

describe("training", () => {
  const small = { ...DEFAULT_TRAIN_OPTIONS, buckets: 1 << 12, epochs: 2 };
  // The shop's own tickets plus every 40th public row: the same code path in a second.
  const rows = [...loadShopTickets(), ...loadAllDatasets().filter((_, i) => i % 40 === 0)];

  it("builds the same bytes from the same data and seed", () => {
    const a = serializeModel(trainTriageModel(rows, small));
    const b = serializeModel(trainTriageModel(rows, small));
    expect(a.equals(b)).toBe(true);
    const other = serializeModel(trainTriageModel(rows, { ...small, seed: small.seed + 1 }));
    expect(other.equals(a)).toBe(false);
  });

  it("round-trips through the artifact format", () => {
    const model = trainTriageModel(rows, small);
    const again = deserializeModel(serializeModel(model));
    const text = ["Refund", "I want my money back"] as const;
    expect(classify(again, ...text)).toEqual(classify(model, ...text));
  });

  it("never trains on held-out rows: the split is a stable hash of the text", () => {
    expect(splitOf("Where is my parcel?")).toBe(splitOf("  where IS my   parcel? "));
    const all = loadAllDatasets();
    const share = all.filter((r) => r.split === "test").length / all.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
    const fingerprintWithTest = trainTriageModel(rows, small).fingerprint;
    const withoutTest = trainTriageModel(
      rows.filter((r) => r.split !== "test"),
      small,
    ).fingerprint;
    expect(withoutTest).toBe(fingerprintWithTest);
  });
});
