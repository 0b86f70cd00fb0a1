import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/client";
import { distinctTickets } from "./figures";
import { firstDayOf, type Range } from "./period";
import { loadRollupRows, type RollupRow } from "./rollups";

export interface RuleFigures {
  ruleId: string;
  /** The rule's name in the newest policy version that has it (or a description of a built-in step). */
  name: string;
  /** Runs in which the rule fired (lib/metrics/rule-fired.ts), the same figure as on the Policies page. */
  fired: number;
  /** Proposals the rule blocked (kept as blocked actions for a person). */
  blocks: number;
  /** Escalations proposed because the rule required them (the rule id is in payload.ruleIds). */
  forcedEscalations: number;
  /** Of those, the ones a reviewer rejected: the person overrode the rule's escalation. */
  overrides: number;
}

/** Guardrail steps that are not rules of a policy. */
const BUILT_IN_STEPS: Record<string, string> = {
  "verification-escalation": "Escalated after verification failed twice",
  "policy-invalid": "Published policy failed to load (fail closed)",
};

/** Sums a field of rows' values per key. */
function totals(rows: RollupRow[], kind: RollupRow["kind"], fields: readonly string[]) {
  const out = new Map<string, Record<string, number>>();
  for (const row of rows) {
    if (row.kind !== kind) continue;
    const entry = out.get(row.key) ?? Object.fromEntries(fields.map((f) => [f, 0]));
    for (const f of fields) entry[f] = (entry[f] ?? 0) + Number(row.values[f] ?? 0);
    out.set(row.key, entry);
  }
  return out;
}

/** Each rule's name in the newest policy version that has it. */
export async function ruleNames(db: Db): Promise<Map<string, string>> {
  const rows = rowsOf<{ rule: string; name: string | null }>(
    await db.execute(sql`
      select distinct on (r->>'id') r->>'id' as rule, r->>'name' as name
      from policy_versions pv cross join lateral jsonb_array_elements(pv.rules) as r
      where jsonb_typeof(pv.rules) = 'array'
      order by r->>'id', pv.version desc`),
  );
  return new Map(rows.flatMap((r) => (r.name ? [[r.rule, r.name] as const] : [])));
}

/**
 * Per guardrail rule, for runs that started in the period (`rows`: its day
 * rows). A rule that never fired, blocked or forced anything in the period is
 * not listed.
 */
export function ruleFiguresOf(rows: RollupRow[], names: Map<string, string>): RuleFigures[] {
  const byRule = totals(rows, "rule", ["fired", "blocks", "forcedEscalations", "overrides"]);
  return [...byRule]
    .map(([ruleId, t]) => ({
      ruleId,
      name: names.get(ruleId) ?? BUILT_IN_STEPS[ruleId] ?? ruleId,
      fired: t.fired ?? 0,
      blocks: t.blocks ?? 0,
      forcedEscalations: t.forcedEscalations ?? 0,
      overrides: t.overrides ?? 0,
    }))
    .sort(
      (a, b) =>
        b.fired - a.fired ||
        b.forcedEscalations - a.forcedEscalations ||
        b.blocks - a.blocks ||
        (a.ruleId < b.ruleId ? -1 : 1),
    );
}

export async function loadRuleFigures(db: Db, range: Range): Promise<RuleFigures[]> {
  const [rows, names] = await Promise.all([loadRollupRows(db, range), ruleNames(db)]);
  return ruleFiguresOf(rows, names);
}

export interface ReasonCount {
  tag: string;
  /** Reviews in the period carrying the tag. */
  reviews: number;
  /** Distinct tickets those reviews are on. */
  tickets: number;
}

/** The reason tags reviewers gave most often in the period (by review time), most frequent first. */
export function topReasonsOf(rows: RollupRow[], firstDay: string, limit = 8): ReasonCount[] {
  return topOf(rows, "reason", "reviews", firstDay, limit).map(([tag, reviews, tickets]) => ({
    tag,
    reviews,
    tickets,
  }));
}

export async function loadTopReasons(db: Db, range: Range, limit = 8): Promise<ReasonCount[]> {
  return topReasonsOf(await loadRollupRows(db, range), firstDayOf(range), limit);
}

/**
 * The keys of a kind with the highest count of `field`, each with its count
 * and its distinct tickets (the `tickets` rows of "<kind>:<key>|all").
 */
function topOf(
  rows: RollupRow[],
  kind: "reason" | "check",
  field: string,
  firstDay: string,
  limit: number,
): [string, number, number][] {
  return [...totals(rows, kind, [field])]
    .map(([key, t]): [string, number] => [key, t[field] ?? 0])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([key, n]) => [
      key,
      n,
      distinctTickets(
        rows.filter((r) => r.kind === "tickets" && r.key === `${kind}:${key}|all`),
        firstDay,
      ),
    ]);
}

export interface CheckCount {
  /** The verification check, repair round folded in ("repair: facts_grounded" counts as facts_grounded). */
  check: string;
  /** Failed verification steps. */
  failures: number;
  /** Distinct tickets whose runs failed it. */
  tickets: number;
}

/** The verification checks that failed most in runs that started in the period. */
export function failingChecksOf(rows: RollupRow[], firstDay: string, limit = 8): CheckCount[] {
  return topOf(rows, "check", "failures", firstDay, limit).map(([check, failures, tickets]) => ({
    check,
    failures,
    tickets,
  }));
}

export async function loadFailingChecks(db: Db, range: Range, limit = 8): Promise<CheckCount[]> {
  return failingChecksOf(await loadRollupRows(db, range), firstDayOf(range), limit);
}
