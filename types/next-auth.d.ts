import type { DefaultSession } from "next-auth";
import type { Role } from "@/db/schema";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role; sessionId?: string; sessionVersion?: number } & DefaultSession["user"];
  }
  interface User {
    role?: Role;
    sessionVersion?: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    id?: string;
    role?: Role;
    /** This sign-in's id, refused once signed out (lib/auth/sessions.ts). */
    sid?: string;
    /** The user's session version at sign-in. */
    sv?: number;
  }
}
