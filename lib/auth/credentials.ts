import type { Db } from "@/db";
import { findUserByEmail } from "@/db/queries/users";
import { verifyPassword } from "./password";
import {
  recordSignInFailure,
  recordSignInSuccess,
  type SignInAttempt,
  type SignInBlock,
  signInBlocked,
} from "./sign-in-throttle";

export type SignInOutcome =
  | {
      ok: true;
      user: { id: string; email: string; name: string; role: "reviewer" | "admin"; sessionVersion: number };
    }
  | { ok: false; reason: "wrong_credentials" }
  | { ok: false; reason: "throttled"; block: SignInBlock };

/**
 * Checks an e-mail and password under the sign-in throttle: a blocked account
 * or address is refused before the password is looked at; a wrong password
 * counts against both; a right one clears the account's count.
 */
export async function checkCredentials(
  db: Db,
  attempt: SignInAttempt & { password: string },
  now = new Date(),
): Promise<SignInOutcome> {
  const block = await signInBlocked(db, attempt, now);
  if (block) return { ok: false, reason: "throttled", block };
  const user = await findUserByEmail(db, attempt.email);
  if (!user || !(await verifyPassword(user.passwordHash, attempt.password))) {
    await recordSignInFailure(
      db,
      { email: attempt.email, address: attempt.address, userId: user?.id ?? null },
      now,
    );
    return { ok: false, reason: "wrong_credentials" };
  }
  await recordSignInSuccess(db, attempt);
  return {
    ok: true,
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      sessionVersion: user.sessionVersion,
    },
  };
}
