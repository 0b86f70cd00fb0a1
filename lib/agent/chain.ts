import { CHECKS, type CheckName } from "./verify";

/**
 * The decision chain's vocabulary for verification, written and read here
 * only: the step name of a check in the first or the repair round, the
 * `blocked_by` of a reply set aside by verification and the checks it failed.
 * Other modules call these instead of building or parsing the strings.
 */
export type VerificationRound = "first" | "repair";

const REPAIR_PREFIX = "repair: ";
const VERIFY_PREFIX = "verify:";
const FAILED_REASON = /^Failed verification \(([^)]*)\)/;

export function verificationStepName(check: CheckName, round: VerificationRound): string {
  return round === "repair" ? `${REPAIR_PREFIX}${check}` : check;
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
