import { beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import type { UserPrincipal } from "@/lib/auth/guards";
import { createImportJob } from "@/lib/imports/import-jobs";
import { useTestDatabase } from "@/test/db";
import { callRoute, userPrincipal } from "@/test/route-harness";
import { importRoute, importsRoute } from "./imports";

describe("GET /api/v1/imports/{id}", () => {
  const database = useTestDatabase();
  let admin: UserPrincipal;
  let signedIn: UserPrincipal | null;
  let importId: string;

  const deps = { db: async () => database.db, user: async () => signedIn };
  const get = (id: string) =>
    callRoute(importRoute(deps), `http://localhost/api/v1/imports/${id}`, { params: { id } });

  beforeAll(async () => {
    const { db } = database;
    const [row] = await db
      .insert(users)
      .values({ email: "admin@example.test", name: "Admin", passwordHash: "x", role: "admin" })
      .returning();
    if (!row) throw new Error("no user");
    admin = userPrincipal(row);
    importId = await createImportJob(db, {
      fileName: "a.csv",
      csv: "externalId,subject,body,from\nx-1,Hi,Hello,a@example.com",
      total: 1,
      createdBy: row.id,
    });
  });

  it("answers an admin with the import's state and counts", async () => {
    signedIn = admin;
    const response = await get(importId);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: importId,
      status: "queued",
      total: 1,
      processed: 0,
      created: 0,
      skipped: 0,
      failed: 0,
      errors: [],
      startedAt: null,
      finishedAt: null,
    });
    const list = await callRoute(importsRoute(deps), "http://localhost/api/v1/imports");
    expect(((await list.json()) as { imports: { id: string }[] }).imports.map((i) => i.id)).toEqual([
      importId,
    ]);
  });

  it("refuses a reviewer (no tickets:ingest) and a visitor", async () => {
    signedIn = userPrincipal({ ...admin, role: "reviewer" });
    const forbidden = await get(importId);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { message: string } }).error.message).toMatch(
      /Ask an admin/,
    );
    signedIn = null;
    expect((await get(importId)).status).toBe(401);
  });

  it("says what is wrong with a bad or unknown id", async () => {
    signedIn = admin;
    const bad = await get("not-an-id");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
      '"not-an-id" is not an import id. Open the import from the list on Tickets → Import CSV.',
    );
    const unknown = await get("7f0c7a3e-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
      /There is no import with this id/,
    );
  });
});
