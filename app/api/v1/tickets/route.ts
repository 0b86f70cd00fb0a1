import { ingestHandlers } from "@/lib/ingest/app-handlers";

export const dynamic = "force-dynamic";

/** Ingest one ticket (API key with tickets:ingest); idempotent on externalId. See /api/v1/openapi.json. */
export function POST(request: Request): Promise<Response> {
  return ingestHandlers.postTicket(request);
}
