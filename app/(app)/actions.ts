"use server";

import { auth, signOut } from "@/lib/auth";

export async function signOutAction(): Promise<void> {
  // Signing out needs no scope; without a session there is nothing to end.
  if (await auth()) await signOut({ redirectTo: "/login" });
}
