import { z } from "zod";
import type { UserPrincipal } from "@/lib/auth/guards";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { getImportJob, listRecentImports } from "@/lib/imports/import-jobs";

const spec = { scope: "tickets:ingest" } as const;
const noStore = { headers: { "cache-control": "no-store" } };

/**
 * GET /api/v1/imports/{id}: one CSV import's state and counts, polled by the
 * import page for its progress bar (a session with tickets:ingest).
 */
export const importRoute = defineRoute<UserPrincipal>(spec, async ({ params, db }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success)
    throw new AppError(
      "bad_request:import",
      `"${String(params.id).slice(0, 60)}" is not an import id. Open the import from the list on Tickets → Import CSV.`,
    );
  const job = await getImportJob(db, id.data);
  if (!job)
    throw new AppError(
      "not_found:import",
      "There is no import with this id. It may have been removed; see Tickets → Import CSV for recent imports.",
    );
  const { fileName: _fileName, createdAt: _createdAt, ...body } = job;
  return Response.json(body, noStore);
});

/** GET /api/v1/imports: the latest imports with their state, newest first. */
export const importsRoute = defineRoute<UserPrincipal>(spec, async ({ db }) =>
  Response.json({ imports: await listRecentImports(db) }, noStore),
);
