import { vi } from "vitest";
import type { Db } from "@/db";

/**
 * Server actions and Next route handlers as the app runs them, with real scope checks against the
 * database. Importing this file replaces only what Vitest cannot provide: the app's database
 * singleton, the Auth.js session and Next's cache revalidation. Load the app modules after it,
 * with `await import(...)`, so they see the replacements.
 */

interface AppSession {
  user: { id: string; sessionId: string; sessionVersion: number };
}

const app: { db: Db | undefined; session: AppSession | null } = { db: undefined, session: null };

vi.mock("@/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db")>()),
  getDb: async () => app.db,
}));
vi.mock("@/lib/auth/index", () => ({ auth: async () => app.session }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

/** What a reviewer is told by every action and route that needs an admin's scope. */
export const REVIEWER_FORBIDDEN = "Your role (reviewer) does not allow this. Ask an admin for access.";

/** The database `getDb()` answers with from now on. */
export function serveDatabase(db: Db): void {
  app.db = db;
}

/** A fresh session of this user for the requests that follow; null signs out. */
export function signInAs(user: { id: string } | null): void {
  app.session = user ? { user: { id: user.id, sessionId: crypto.randomUUID(), sessionVersion: 0 } } : null;
}
