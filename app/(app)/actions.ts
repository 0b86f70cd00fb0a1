"use server";

import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { auth, signOut } from "@/lib/auth";
import { requireScope } from "@/lib/auth/guards";
import { endAllSessions, endSession } from "@/lib/auth/sessions";
import { type ActionResult, actionError } from "@/lib/errors";

export async function signOutAction(): Promise<void> {
  // Signing out needs no scope; without a session there is nothing to end.
  const session = await auth();
  if (!session) return;
  const { id, sessionId } = session.user;
  // The token is refused from now on, even if a copy of the cookie is replayed.
  if (id && sessionId) {
    await endSession(await getDb(), { sessionId, userId: id, expiresAt: new Date(session.expires) });
  }
  await signOut({ redirectTo: "/login" });
}

const signOutEverywhereInput = z.object({
  userId: z.uuid("This user id is not valid: reload the page.").optional(),
});

/**
 * Ends every session of a user at once: your own (any signed-in user), or
 * another user's (admins, with users:manage).
 */
export async function signOutEverywhereAction(input: { userId?: string } = {}): Promise<ActionResult> {
  try {
    const parsed = signOutEverywhereInput.safeParse(input);
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the user." };
    const own = !parsed.data.userId;
    const actor = await requireScope(own ? "tickets:read" : "users:manage");
    const target = parsed.data.userId ?? actor.id;
    await endAllSessions(await getDb(), target, actor.id);
    if (target === actor.id) await signOut({ redirectTo: "/login" });
    return { ok: true, message: "Every session of this user has ended; they sign in again." };
  } catch (error) {
    unstable_rethrow(error); // the redirect to sign-in after ending one's own sessions
    return actionError(error);
  }
}
