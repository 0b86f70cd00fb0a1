import type { Metadata } from "next";
import { connection } from "next/server";
import { CsvImport } from "@/components/tickets/csv-import";
import { RecentImports } from "@/components/tickets/recent-imports";
import { getDb } from "@/db";
import { requirePageScope } from "@/lib/auth/guards";
import { listRecentImports } from "@/lib/imports/import-jobs";
import { CSV_COLUMNS } from "@/lib/ingest/csv";

export const metadata: Metadata = { title: "Import tickets" };

export default async function ImportTicketsPage() {
  await connection();
  await requirePageScope("tickets:ingest");
  const recent = await listRecentImports(await getDb());
  return (
    <section aria-labelledby="import-heading" className="space-y-4">
      <h1 id="import-heading" className="text-xl font-semibold">
        Import tickets from CSV
      </h1>
      <p className="text-sm text-slate-600">
        Each row is checked like a ticket sent to the API. Importing is idempotent by external id: a row
        already imported is skipped, and one whose content differs from the stored ticket is reported, not
        overwritten. The import runs in the background, 100 rows at a time: you can leave the page while it
        runs.
      </p>
      <CsvImport columns={CSV_COLUMNS} />
      <RecentImports initial={recent} />
    </section>
  );
}
