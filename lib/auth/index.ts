import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import { recordAudit } from "@/db/queries/audit";
import { baseAuthConfig } from "./config";
import { checkCredentials } from "./credentials";
import { clientAddress } from "./sign-in-throttle";

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
        const outcome = await checkCredentials(db, {
          email: parsed.data.email,
          password: parsed.data.password,
          address: clientAddress(request.headers),
        });
        if (!outcome.ok)
          throw outcome.reason === "throttled" ? new SignInThrottled() : new WrongCredentials();
        const { user } = outcome;
        await recordAudit(db, {
          actorId: user.id,
          actorType: "user",
          action: "login",
          entityType: "user",
          entityId: user.id,
        });
        return user;
      },
    }),
  ],
}));
