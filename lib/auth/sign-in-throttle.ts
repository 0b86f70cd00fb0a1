import type { Db } from "@/db";
import { auditInsert } from "@/db/queries/audit";
import { block, blockedUntil, hit, reset, sweep } from "@/lib/security/limiter";

/**
 * Sign-in throttling per account and per client address, counted in
 * PostgreSQL so every instance sees it. Failures within an hour earn a
 * growing wait (1 s, 2 s, 4 s, ... after the first few), and enough of them
 * lock the account or the address for 15 minutes. A refused attempt does not
 * check the password at all. Failures and locks are audited.
 */

export const THROTTLE = {
  windowSeconds: 60 * 60,
  lockSeconds: 15 * 60,
  account: { freeFailures: 3, lockAfter: 10 },
  address: { freeFailures: 10, lockAfter: 20 },
  maxDelaySeconds: 5 * 60,
} as const;

type Subject = "account" | "address";

export interface SignInAttempt {
  email: string;
  address: string;
}

export interface SignInBlock {
  subject: Subject;
  until: Date;
  locked: boolean;
}

const keyOf = (subject: Subject, attempt: SignInAttempt) =>
  `signin:${subject}:${subject === "account" ? attempt.email.toLowerCase() : attempt.address}`;

/** The wait after the n-th failure in the window: none, then doubling, then the lock. */
export function waitAfter(subject: Subject, failures: number): { seconds: number; locked: boolean } {
  const limits = THROTTLE[subject];
  if (failures >= limits.lockAfter) return { seconds: THROTTLE.lockSeconds, locked: true };
  if (failures < limits.freeFailures) return { seconds: 0, locked: false };
  const seconds = Math.min(THROTTLE.maxDelaySeconds, 2 ** (failures - limits.freeFailures));
  return { seconds, locked: false };
}

/** Whether this attempt must wait, and until when (the later of the account's and the address's). */
export async function signInBlocked(
  db: Db,
  attempt: SignInAttempt,
  now = new Date(),
): Promise<SignInBlock | null> {
  let found: SignInBlock | null = null;
  for (const subject of ["account", "address"] as const) {
    const until = await blockedUntil(db, keyOf(subject, attempt), now);
    if (until && (!found || until > found.until)) {
      found = { subject, until, locked: until.getTime() - now.getTime() > THROTTLE.maxDelaySeconds * 1000 };
    }
  }
  return found;
}

/** Counts a wrong password (or unknown account) against both the account and the address. */
export async function recordSignInFailure(
  db: Db,
  attempt: SignInAttempt & { userId: string | null },
  now = new Date(),
): Promise<void> {
  await db.transaction(async (tx) => {
    const data: Record<string, unknown> = { email: attempt.email, address: attempt.address };
    for (const subject of ["account", "address"] as const) {
      const key = keyOf(subject, attempt);
      const counter = await hit(tx, key, THROTTLE.windowSeconds, now);
      const wait = waitAfter(subject, counter.points);
      data[`${subject}Failures`] = counter.points;
      if (wait.seconds === 0) continue;
      const until = new Date(now.getTime() + wait.seconds * 1000);
      await block(tx, key, until);
      if (wait.locked && counter.points === THROTTLE[subject].lockAfter) {
        await auditInsert(tx, {
          actorType: "system",
          action: "login.locked",
          entityType: subject === "account" ? "user" : "client_address",
          entityId: subject === "account" ? attempt.userId : attempt.address,
          data: {
            email: attempt.email,
            address: attempt.address,
            until: until.toISOString(),
            failures: counter.points,
          },
        });
      }
    }
    await auditInsert(tx, {
      actorId: attempt.userId,
      actorType: attempt.userId ? "user" : "system",
      action: "login.failed",
      entityType: "user",
      entityId: attempt.userId,
      data,
    });
  });
  if (Math.random() < 0.01) await sweep(db, now);
}

/** A successful sign-in clears the account's failures (the address keeps its count). */
export async function recordSignInSuccess(db: Db, attempt: SignInAttempt): Promise<void> {
  await reset(db, keyOf("account", attempt));
}

/** What the person signing in reads: who is blocked and when to try again. */
export function throttleMessage(found: SignInBlock, now = new Date()): string {
  const seconds = Math.max(1, Math.ceil((found.until.getTime() - now.getTime()) / 1000));
  const wait = seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
  const at = found.until.toISOString().slice(11, 19);
  const who = found.subject === "account" ? "this account" : "your network address";
  return found.locked
    ? `Too many failed sign-ins for ${who}: it is locked until ${at} UTC (in ${wait}). Try again then, or ask an admin to reset your password.`
    : `Too many failed sign-ins for ${who}. Wait ${wait} (until ${at} UTC) and try again.`;
}

/** The client's address as the nearest proxy reports it (X-Forwarded-For's first entry, or X-Real-IP). */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const address = forwarded || headers.get("x-real-ip")?.trim() || "unknown";
  return address.slice(0, 64);
}
