import type { z } from "zod";

/**
 * One domain's part of the OpenAPI document: its paths and the zod schemas
 * they reference by id (`#/components/schemas/<id>`). Add a section to
 * OPENAPI_SECTIONS in ./document.ts to publish new routes.
 */
export interface OpenApiSection {
  /** Described as clients send them (`io: "input"`). */
  requestSchemas: Record<string, z.ZodType>;
  /** Described as the server answers (`io: "output"`). */
  responseSchemas: Record<string, z.ZodType>;
  paths: Record<string, Record<string, Record<string, unknown>>>;
}

export const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

export function jsonResponse(schemaId: string, description: string, headers?: Record<string, unknown>) {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { "application/json": { schema: schemaRef(schemaId) } },
  };
}

/** Every error answer has the one shape, `{ error: { code, message, ... } }`. */
export const errorResponse = (description: string) => jsonResponse("Error", description);

export const RETRY_AFTER_HEADER = {
  "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } },
};
