import { recordAudit } from "@/db/queries/audit";
import { DatasetExport } from "@/lib/datasets/export";
import { exportQuery, parseExportRequest } from "@/lib/datasets/filters";
import { parseExportFormat } from "@/lib/datasets/formats";
import { previewExport } from "@/lib/datasets/preview";
import { exportResponse } from "@/lib/datasets/response";
import { countExportRecords } from "@/lib/datasets/source";
import { defineRoute, type Principal } from "@/lib/http/route";

const spec = { scope: "datasets:export", apiKeys: true } as const;

/**
 * GET /api/v1/exports/{format}: streams a feedback dataset (sft, dpo, trl or
 * csv) for the filters in the query string. `X-Record-Count` and
 * `X-Export-As-Of` come before the body; the manifest of the same bytes is at
 * `./{format}/manifest` with the same query plus `asOf` (the `Link` header has it).
 */
export const exportRoute = defineRoute<Principal>(spec, async ({ url, params, principal, db }) => {
  const format = parseExportFormat(params.format ?? "");
  const exportRequest = parseExportRequest(url.searchParams);
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
});

/**
 * GET /api/v1/exports/{format}/count: how many records an export would hold,
 * with the snapshot (`asOf`) to download exactly those.
 */
export const exportCountRoute = defineRoute<Principal>(spec, async ({ url, params, db }) => {
  const format = parseExportFormat(params.format ?? "");
  const exportRequest = parseExportRequest(url.searchParams);
  const formats = await countExportRecords(db, exportRequest);
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
});

/**
 * GET /api/v1/exports/{format}/manifest: counts, filters, policy versions and
 * the SHA-256 of the file, computed by streaming the same content. Pass the
 * download's `asOf` (its `X-Export-As-Of` header) to describe exactly that file.
 */
export const exportManifestRoute = defineRoute<Principal>(spec, async ({ url, params, db }) => {
  const format = parseExportFormat(params.format ?? "");
  const exportRequest = parseExportRequest(url.searchParams);
  const formats = await countExportRecords(db, exportRequest);
  const dataset = new DatasetExport(db, { format, request: exportRequest });
  for await (const _chunk of dataset.chunks()) {
    // Only the hash and the tally are needed.
  }
  return Response.json(await dataset.manifest({ formats }), { headers: { "Cache-Control": "no-store" } });
});

/**
 * GET /api/v1/exports/{format}/preview: the first records of the export for
 * the same filters, built and redacted by the same code as the download.
 */
export const exportPreviewRoute = defineRoute<Principal>(spec, async ({ url, params, db }) => {
  const format = parseExportFormat(params.format ?? "");
  const exportRequest = parseExportRequest(url.searchParams);
  return Response.json(await previewExport(db, format, exportRequest), {
    headers: { "Cache-Control": "no-store" },
  });
});
