import { randomUUID } from "node:crypto";
import { eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { auditInsert } from "@/db/queries/audit";
import { endedSessions, type Role, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { hashPassword } from "./password";

/**
 * Sessions that can end. A token carries its session id and the user's
 * session version at sign-in; it is honoured only while the version is
 * unchanged and the session was not signed out. Both are checked where the
 * role is re-read (lib/auth/guards.ts), so an ended session stops at once on
 * every instance.
 */

export interface SessionClaims {
  sessionId?: string;
  sessionVersion?: number;
}

export function newSessionId(): string {
  return randomUUID();
}

/** The user behind a token, or undefined when the token's session has ended. */
export async function findSessionUser(db: Db, userId: string, claims: SessionClaims) {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      sessionVersion: users.sessionVersion,
      ended: claims.sessionId
        ? sql<boolean>`exists (select 1 from ${endedSessions} where ${endedSessions.sessionId} = ${claims.sessionId})`
        : sql<boolean>`true`,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row || row.ended || row.sessionVersion !== claims.sessionVersion) return undefined;
  const { sessionVersion: _v, ended: _e, ...user } = row;
  return user;
}

/** Signing out: this session's token is refused from now on (until it would have expired). */
export async function endSession(db: Db, input: { sessionId: string; userId: string; expiresAt: Date }) {
  await db.transaction(async (tx) => {
    await tx
      .insert(endedSessions)
      .values({ sessionId: input.sessionId, userId: input.userId, expiresAt: input.expiresAt })
      .onConflictDoNothing();
    await tx.delete(endedSessions).where(lt(endedSessions.expiresAt, new Date()));
    await auditInsert(tx, {
      actorId: input.userId,
      actorType: "user",
      action: "logout",
      entityType: "user",
      entityId: input.userId,
    });
  });
}

async function bumpVersion(
  db: Db,
  userId: string,
  set: Partial<typeof users.$inferInsert>,
  audit: { actorId: string | null; action: string; data?: Record<string, unknown> },
): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(users)
      .set({ ...set, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, userId))
      .returning({ id: users.id });
    if (rows.length === 0) throw new AppError("not_found:user", "There is no such user. Reload the page.");
    await auditInsert(tx, {
      actorId: audit.actorId,
      actorType: audit.actorId ? "user" : "system",
      action: audit.action,
      entityType: "user",
      entityId: userId,
      data: audit.data,
    });
  });
}

/** "Sign out everywhere": every token issued so far for this user stops working. */
export function endAllSessions(db: Db, userId: string, actorId: string | null): Promise<void> {
  return bumpVersion(db, userId, {}, { actorId, action: "sessions.end_all" });
}

/** A new role takes effect at once: the user signs in again to get a token for it. */
export function changeRole(db: Db, userId: string, role: Role, actorId: string | null): Promise<void> {
  return bumpVersion(db, userId, { role }, { actorId, action: "user.role_change", data: { role } });
}

/** A new password ends every session, including any an attacker holds. */
export async function changePassword(
  db: Db,
  userId: string,
  password: string,
  actorId: string | null,
): Promise<void> {
  await bumpVersion(
    db,
    userId,
    { passwordHash: await hashPassword(password) },
    { actorId, action: "user.password_change" },
  );
}
