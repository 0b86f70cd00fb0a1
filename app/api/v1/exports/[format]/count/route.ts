import { getDb } from "@/db";
import { type Principal, withScope } from "@/lib/auth/route";
import { exportQuery, parseExportRequest } from "@/lib/datasets/filters";
import { parseExportFormat } from "@/lib/datasets/formats";
import { countExportRecords } from "@/lib/datasets/source";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ format: string }> };

/**
 * How many records an export would hold, before downloading it, with the
 * snapshot (`asOf`) to download exactly those: `{ format, records, formats, asOf, query }`.
 */
export const GET = withScope<Ctx, Principal>(
  "datasets:export",
  async (request, _principal, ctx) => {
    const format = parseExportFormat((await ctx.params).format);
    const exportRequest = parseExportRequest(new URL(request.url).searchParams);
    const formats = await countExportRecords(await getDb(), exportRequest);
    return Response.json(
      {
        format,
        records: formats[format],
        formats,
        asOf: exportRequest.asOf.toISOString(),
        query: exportQuery(exportRequest.filters, exportRequest.asOf).toString(),
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  },
  { apiKeys: true },
);
