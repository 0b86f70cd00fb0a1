import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import { recordAudit } from "@/db/queries/audit";
import { findUserByEmail } from "@/db/queries/users";
import { baseAuthConfig } from "./config";
import { verifyPassword } from "./password";
import { clientAddress, recordSignInFailure, recordSignInSuccess, signInBlocked } from "./sign-in-throttle";

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address."),
  password: z.string().min(1, "Enter your password."),
});

class WrongCredentials extends CredentialsSignin {
  override code = "wrong_credentials";
}

/** Too many failures for the account or the address: the password was not even checked. */
class SignInThrottled extends CredentialsSignin {
  override code = "throttled";
}

// The lazy form keeps the database and the secret out of import and build time.
export const { handlers, auth, signIn, signOut } = NextAuth(async () => ({
  ...baseAuthConfig(),
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new WrongCredentials();
        const db = await getDb();
        const attempt = { email: parsed.data.email, address: clientAddress(request.headers) };
        if (await signInBlocked(db, attempt)) throw new SignInThrottled();
        const user = await findUserByEmail(db, parsed.data.email);
        if (!user || !(await verifyPassword(user.passwordHash, parsed.data.password))) {
          await recordSignInFailure(db, { ...attempt, userId: user?.id ?? null });
          throw new WrongCredentials();
        }
        await recordSignInSuccess(db, attempt);
        await recordAudit(db, {
          actorId: user.id,
          actorType: "user",
          action: "login",
          entityType: "user",
          entityId: user.id,
        });
        return {
          id: user.id,
          email: user.email,
          name: user.name,
          role: user.role,
          sessionVersion: user.sessionVersion,
        };
      },
    }),
  ],
}));
