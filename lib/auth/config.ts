import type { NextAuthConfig } from "next-auth";
import { authSecret } from "@/lib/env";

/**
 * The part of the Auth.js config that needs no database, shared by the proxy
 * and the full config. The proxy only redirects: scopes are checked by each
 * action and route handler.
 */
export function baseAuthConfig(): NextAuthConfig {
  return {
    secret: authSecret(),
    trustHost: true,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login" },
    // A wrong password is an expected outcome shown to the user, not a server error.
    logger: {
      error(error) {
        if (error.name !== "CredentialsSignin") console.error(error);
      },
    },
    providers: [],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.id = user.id;
          token.role = user.role;
          token.sid = crypto.randomUUID();
          token.sv = user.sessionVersion ?? 0;
        }
        return token;
      },
      session({ session, token }) {
        if (token.id) session.user.id = token.id;
        if (token.role) session.user.role = token.role;
        session.user.sessionId = token.sid;
        session.user.sessionVersion = token.sv;
        return session;
      },
    },
  };
}
