import { type SQL, sql } from "drizzle-orm";
import type { Budget } from "@/db/schema";
import type { BudgetName } from "./invariants";
import type { StepRecord } from "./recorder";
import { CHECKS, type CheckName } from "./verify";

/**
 * The decision chain's vocabulary for verification, written and read here
 * only: the step name of a check in the first or the repair round, the
 * `blocked_by` of a reply set aside by verification and the checks it failed.
 * Other modules call these instead of building or parsing the strings.
 *
 * Verification steps carry their check, round and result as typed columns
 * (`agent_steps.check_name`, `round`, `passed`) and the budget step the budget
 * that ran out (`agent_steps.budget`); the name stays for display. Readers
 * count by the columns through the SQL below.
 */
export type VerificationRound = "first" | "repair";

const REPAIR_PREFIX = "repair: ";
const VERIFY_PREFIX = "verify:";
const FAILED_REASON = /^Failed verification \(([^)]*)\)/;

export function verificationStepName(check: CheckName, round: VerificationRound): string {
  return round === "repair" ? `${REPAIR_PREFIX}${check}` : check;
}

/** The round's number in `agent_steps.round`. */
export const ROUND_NUMBER: Record<VerificationRound, number> = { first: 0, repair: 1 };

/** The step recording one check's result in a round: display name and typed columns. */
export function verificationStep(
  check: CheckName,
  round: VerificationRound,
  result: { passed: boolean; detail: string },
): StepRecord {
  return {
    kind: "verification",
    name: verificationStepName(check, round),
    check,
    round: ROUND_NUMBER[round],
    passed: result.passed,
    output: { passed: result.passed, detail: result.detail },
  };
}

/** The `agent_steps.budget` value of an exhausted budget. */
export function budgetColumn(budget: BudgetName): Budget {
  return budget === "wall time" ? "wall_time" : budget;
}

/** The checks whose failure means the draft stated something not grounded in what was retrieved. */
export const GROUNDING_CHECKS: readonly CheckName[] = ["facts_grounded", "citations_valid"];

/** A failed verification step `alias` (of either round), optionally of one of `checks`; matches the signals index. */
export function failedCheckSql(alias: string, checks?: readonly CheckName[]): SQL {
  const failed = sql.raw(`(${alias}.kind = 'verification' and ${alias}.passed = false)`);
  if (!checks) return failed;
  return sql`(${failed} and ${sql.raw(alias)}.check_name in (${sql.join(
    checks.map((c) => sql`${c}::text`),
    sql`, `,
  )}))`;
}

/** Both rounds' step names of one check (a figure counts a check in either round). */
export function verificationStepNames(check: CheckName): [string, string] {
  return [verificationStepName(check, "first"), verificationStepName(check, "repair")];
}

export function isCheckName(value: string): value is CheckName {
  return (CHECKS as readonly string[]).includes(value);
}

/** A verification step's check and round, from its stored name (null for another step). */
export function readVerificationStep(name: string): { check: CheckName; round: VerificationRound } | null {
  const round: VerificationRound = name.startsWith(REPAIR_PREFIX) ? "repair" : "first";
  const check = round === "repair" ? name.slice(REPAIR_PREFIX.length) : name;
  return isCheckName(check) ? { check, round } : null;
}

/** The `blocked_by` of a reply verification set aside: the first failed check. */
export function verificationBlock(check: CheckName): string {
  return `${VERIFY_PREFIX}${check}`;
}

/** The blocked reason listing every failed check, then their details. */
export function verificationBlockReason(checks: CheckName[], details: string[]): string {
  return `Failed verification (${checks.join(", ")}): ${details.join(" ")}`.slice(0, 2_000);
}

/** The stored block of a reply set aside by verification: `blocked_by`, its reason and the typed `blocked_check`. */
export function verificationBlockFields(
  checks: CheckName[],
  details: string[],
): { blockedBy: string; blockedReason: string; blockedCheck: CheckName } {
  const first = checks[0] ?? "facts_grounded";
  return {
    blockedBy: verificationBlock(first),
    blockedReason: verificationBlockReason(checks, details),
    blockedCheck: first,
  };
}

/** Whether an action was blocked by verification (not by a policy rule of the gate). */
export function isVerificationBlock(blockedBy: string | null | undefined): boolean {
  return Boolean(blockedBy?.startsWith(VERIFY_PREFIX));
}

/** The check named by a verification block, or null for a block by a policy rule. */
export function blockedCheck(blockedBy: string | null | undefined): CheckName | null {
  if (!blockedBy || !isVerificationBlock(blockedBy)) return null;
  const check = blockedBy.slice(VERIFY_PREFIX.length);
  return isCheckName(check) ? check : null;
}

/** Every check a reply set aside by verification failed, from its stored block. */
export function blockedChecks(
  blockedBy: string | null | undefined,
  blockedReason: string | null | undefined,
): Set<string> {
  if (!isVerificationBlock(blockedBy)) return new Set();
  const listed = FAILED_REASON.exec(blockedReason ?? "")?.[1];
  return new Set(
    listed ? listed.split(",").map((s) => s.trim()) : [blockedBy?.slice(VERIFY_PREFIX.length) ?? ""],
  );
}
