/** Cached dashboard figures of closed days. */
import { date, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/**
 * The dashboard's figures of closed UTC days, kept so a month's page adds up
 * days instead of re-reading every run and review (lib/metrics/rollups.ts).
 * A cache: rows are written on first read of a closed day and deleted by
 * triggers (migration 0006) when a run, step, action or review of that day or
 * an earlier one changes; the day is then computed again from the records.
 * `kind`: "day" (the day is stored; key ""), "figures" (key "all",
 * "policy:<version>", "model:<id>"), "rule", "reason", "check", and
 * "tickets" (key "<chain>|<cut>": how many days back each ticket of the day
 * last had an event of that chain, for exact distinct counts over periods).
 */
export const metricRollups = pgTable(
  "metric_rollups",
  {
    day: date("day", { mode: "string" }).notNull(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    values: jsonb("values").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.kind, t.key] })],
);
