"use server";

import { headers } from "next/headers";
import { AuthError } from "next-auth";
import { getDb } from "@/db";
import { credentialsSchema, signIn } from "@/lib/auth";
import { clientAddress, signInBlocked, throttleMessage } from "@/lib/auth/sign-in-throttle";

export type SignInState = { error?: string; email?: string };

function safeCallback(value: FormDataEntryValue | null): string {
  const target = typeof value === "string" ? value : "";
  // Only same-site paths: never redirect to another origin.
  return target.startsWith("/") && !target.startsWith("//") ? target : "/";
}

// Signing in is the one action open to anonymous callers; authorize() checks the credentials.
export async function signInWithPassword(_prev: SignInState, form: FormData): Promise<SignInState> {
  const parsed = credentialsSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  const email = typeof form.get("email") === "string" ? String(form.get("email")) : "";
  if (!parsed.success) {
    return { error: parsed.error.issues[0]?.message ?? "Enter your e-mail and password.", email };
  }
  const attempt = { email: parsed.data.email, address: clientAddress(await headers()) };
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallback(form.get("callbackUrl")) });
    return {};
  } catch (error) {
    if (error instanceof AuthError) {
      // The same throttle authorize() applied, read again to say when to try again.
      const blocked = await signInBlocked(await getDb(), attempt);
      if (blocked) return { error: throttleMessage(blocked), email };
      return { error: "Wrong e-mail or password. Check both and try again.", email };
    }
    throw error; // the redirect after a successful sign-in
  }
}
