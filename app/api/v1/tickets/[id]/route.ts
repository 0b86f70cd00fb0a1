import { ingestHandlers } from "@/lib/ingest/app-handlers";

export const dynamic = "force-dynamic";

/** A ticket's status, proposed actions, decisions and delivery (API key with tickets:ingest, or a session). */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  return ingestHandlers.getTicket(request, (await params).id);
}
