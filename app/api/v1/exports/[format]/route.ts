import { getDb } from "@/db";
import { recordAudit } from "@/db/queries/audit";
import { type Principal, withScope } from "@/lib/auth/route";
import { DatasetExport } from "@/lib/datasets/export";
import { exportQuery, parseExportRequest } from "@/lib/datasets/filters";
import { parseExportFormat } from "@/lib/datasets/formats";
import { exportResponse } from "@/lib/datasets/response";
import { countExportRecords } from "@/lib/datasets/source";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ format: string }> };

/**
 * Streams a feedback dataset (sft, dpo, trl or csv) for the filters in the
 * query string. `X-Record-Count` and `X-Export-As-Of` come before the body;
 * the manifest of the same bytes is at `./{format}/manifest` with the same
 * query plus `asOf` (the `Link` header has it).
 */
export const GET = withScope<Ctx, Principal>(
  "datasets:export",
  async (request, principal, ctx) => {
    const format = parseExportFormat((await ctx.params).format);
    const exportRequest = parseExportRequest(new URL(request.url).searchParams);
    const db = await getDb();
    const counts = await countExportRecords(db, exportRequest);
    await recordAudit(db, {
      actorId: principal.id,
      actorType: principal.kind === "api_key" ? "api_key" : "user",
      action: "dataset.export",
      entityType: "dataset",
      entityId: format,
      data: {
        query: exportQuery(exportRequest.filters, exportRequest.asOf).toString(),
        records: counts[format],
      },
    });
    return exportResponse(new DatasetExport(db, { format, request: exportRequest }), counts[format]);
  },
  { apiKeys: true },
);
