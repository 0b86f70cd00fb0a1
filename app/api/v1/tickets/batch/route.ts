import { ingestHandlers } from "@/lib/ingest/app-handlers";

export const dynamic = "force-dynamic";

/** Ingest up to 100 tickets, validated all or nothing. See /api/v1/openapi.json. */
export function POST(request: Request): Promise<Response> {
  return ingestHandlers.postBatch(request);
}
