import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "@/db";
import type { Role } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { auth } from "./index";
import { ROLE_SCOPES, roleHasScope, type Scope } from "./scopes";
import { findSessionUser } from "./sessions";

export interface UserPrincipal {
  kind: "user";
  id: string;
  email: string;
  name: string;
  role: Role;
  scopes: readonly Scope[];
}

/**
 * The signed-in user, re-read from the database: a JWT's role goes stale until
 * it expires, and a deleted user, a signed-out session or one ended by a role
 * or password change must lose access at once.
 */
export async function currentUser(): Promise<UserPrincipal | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await findSessionUser(await getDb(), id, {
    sessionId: session.user.sessionId,
    sessionVersion: session.user.sessionVersion,
  });
  if (!user) return null;
  return { kind: "user", ...user, scopes: ROLE_SCOPES[user.role] };
}

/** For pages: anonymous visitors go to sign-in, a missing scope renders the "not allowed" page. */
export async function requirePageScope(scope: Scope): Promise<UserPrincipal> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (!roleHasScope(user.role, scope)) forbidden();
  return user;
}

/** For server actions and route handlers: throws a typed 401/403 error. */
export async function requireScope(scope: Scope): Promise<UserPrincipal> {
  const user = await currentUser();
  if (!user) throw new AppError("unauthorized:auth", "You are not signed in. Sign in and try again.");
  if (!roleHasScope(user.role, scope)) {
    throw new AppError(
      "forbidden:auth",
      `Your role (${user.role}) does not allow this. Ask an admin for access.`,
    );
  }
  return user;
}
