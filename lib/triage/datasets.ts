import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { type Split, splitOf } from "./features";
import {
  BANKING77_MAP,
  CATEGORIES,
  type Category,
  CLINC150_MAP,
  categoryOfIntent,
  INTENTS,
  OUT_OF_SCOPE,
} from "./labels";

export const DATASETS = ["bitext", "banking77", "clinc150", "shop", "reviews"] as const;
export type Dataset = (typeof DATASETS)[number];

/** One labelled request in the shop's label space. */
export interface LabelledRow {
  dataset: Dataset;
  subject: string;
  body: string;
  intent: string;
  category: Category;
  /** The source data set's own label, for the confusion report. */
  sourceLabel: string;
  split: Split;
}

export const DATA_DIR = path.join(process.cwd(), "data");

function row(
  dataset: Dataset,
  subject: string,
  body: string,
  intent: string,
  category: Category,
  sourceLabel: string,
): LabelledRow {
  return { dataset, subject, body, intent, category, sourceLabel, split: splitOf(`${subject}\n${body}`) };
}

export function loadBitext(dir = DATA_DIR): LabelledRow[] {
  const records = parse(
    readFileSync(path.join(dir, "bitext", "Bitext_Sample_Customer_Support_Training_Dataset.csv")),
    { columns: true, skip_empty_lines: true },
  ) as { instruction: string; intent: string }[];
  return records.map((r) => row("bitext", "", r.instruction, r.intent, categoryOfIntent(r.intent), r.intent));
}

export function loadBanking77(dir = DATA_DIR): LabelledRow[] {
  const records = parse(readFileSync(path.join(dir, "banking77", "train.csv")), {
    columns: true,
    skip_empty_lines: true,
  }) as { text: string; category: string }[];
  return records.map((r) => {
    const mapped = BANKING77_MAP[r.category];
    return row(
      "banking77",
      "",
      r.text,
      mapped?.intent ?? OUT_OF_SCOPE,
      mapped?.category ?? "none",
      r.category,
    );
  });
}

export function loadClinc150(dir = DATA_DIR): LabelledRow[] {
  const data = JSON.parse(readFileSync(path.join(dir, "clinc150", "train_val.json"), "utf8")) as Record<
    string,
    [string, string][]
  >;
  return ["train", "val", "oos_train", "oos_val"].flatMap((key) =>
    (data[key] ?? []).map(([text, label]) => {
      const mapped = CLINC150_MAP[label];
      return row("clinc150", "", text, mapped?.intent ?? OUT_OF_SCOPE, mapped?.category ?? "none", label);
    }),
  );
}

export const labelledTicketSchema = z.object({
  subject: z.string(),
  body: z.string(),
  intent: z.enum(INTENTS as [string, ...string[]]),
  category: z.enum(CATEGORIES),
});

/** The shop's own hand-labelled tickets: legal threats, personal-data requests, stolen cards, and more. */
export function loadShopTickets(dir = DATA_DIR): LabelledRow[] {
  const tickets = z
    .array(labelledTicketSchema)
    .parse(JSON.parse(readFileSync(path.join(dir, "triage", "shop-tickets.json"), "utf8")));
  return tickets.map((t) => row("shop", t.subject, t.body, t.intent, t.category, t.intent));
}

export function loadAllDatasets(dir = DATA_DIR): LabelledRow[] {
  return [...loadBitext(dir), ...loadBanking77(dir), ...loadClinc150(dir), ...loadShopTickets(dir)];
}
