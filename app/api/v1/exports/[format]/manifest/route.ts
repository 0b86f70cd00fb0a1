import { getDb } from "@/db";
import { type Principal, withScope } from "@/lib/auth/route";
import { DatasetExport } from "@/lib/datasets/export";
import { parseExportRequest } from "@/lib/datasets/filters";
import { parseExportFormat } from "@/lib/datasets/formats";
import { countExportRecords } from "@/lib/datasets/source";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ format: string }> };

/**
 * The manifest of an export: counts, filters, policy versions and the SHA-256
 * of the file, computed by streaming the same content. Pass the download's
 * `asOf` (its `X-Export-As-Of` header) to describe exactly that file.
 */
export const GET = withScope<Ctx, Principal>(
  "datasets:export",
  async (request, _principal, ctx) => {
    const format = parseExportFormat((await ctx.params).format);
    const exportRequest = parseExportRequest(new URL(request.url).searchParams);
    const db = await getDb();
    const formats = await countExportRecords(db, exportRequest);
    const dataset = new DatasetExport(db, { format, request: exportRequest });
    for await (const _chunk of dataset.chunks()) {
      // Only the hash and the tally are needed.
    }
    return Response.json(await dataset.manifest({ formats }), {
      headers: { "Cache-Control": "no-store" },
    });
  },
  { apiKeys: true },
);
