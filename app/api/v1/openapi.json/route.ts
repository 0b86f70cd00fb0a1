import { buildOpenApiDocument } from "@/lib/openapi/document";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 description of the machine API; public, like any API reference. */
export function GET(request: Request): Response {
  return Response.json(buildOpenApiDocument({ serverUrl: new URL(request.url).origin }));
}
