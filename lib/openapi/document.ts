import { z } from "zod";
import { API_KEY_SCOPES } from "@/lib/auth/scopes";
import { datasetsOpenApi } from "@/lib/datasets/openapi";
import { ingestOpenApi } from "@/lib/ingest/openapi";
import { metricsOpenApi } from "@/lib/metrics/openapi";
import type { OpenApiSection } from "./section";

/**
 * The OpenAPI 3.1 description of the machine API, generated from the same zod
 * schemas the handlers validate with (zod 4's `z.toJSONSchema`). Each domain
 * contributes a section; the test in ./document.test.ts checks the result
 * against the route files under app/api/v1.
 */

const documentSection: OpenApiSection = {
  requestSchemas: {},
  responseSchemas: {},
  paths: {
    "/api/v1/openapi.json": {
      get: {
        operationId: "getOpenApiDocument",
        summary: "This document",
        security: [],
        responses: {
          "200": {
            description: "The OpenAPI 3.1 document.",
            content: { "application/json": { schema: { type: "object" } } },
          },
        },
      },
    },
  },
};

export const OPENAPI_SECTIONS: OpenApiSection[] = [
  ingestOpenApi,
  datasetsOpenApi,
  metricsOpenApi,
  documentSection,
];

const uri = (id: string) => `#/components/schemas/${id}`;

function componentSchemas(schemas: Record<string, z.ZodType>, io: "input" | "output") {
  if (Object.keys(schemas).length === 0) return {};
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io, uri, target: "draft-2020-12", unrepresentable: "any" });
  // Embedded in the document: a component's own $schema and $id would only confuse tools.
  return Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: Record<string, unknown>;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, unknown> };
}

export function buildOpenApiDocument(
  options: { serverUrl?: string; sections?: OpenApiSection[] } = {},
): OpenApiDocument {
  const schemas: Record<string, Record<string, unknown>> = {};
  const paths: OpenApiDocument["paths"] = {};
  const addAll = <T>(target: Record<string, T>, entries: Record<string, T>, what: string) => {
    for (const [key, value] of Object.entries(entries)) {
      if (key in target) throw new Error(`Two OpenAPI sections define the ${what} ${key}.`);
      target[key] = value;
    }
  };
  for (const section of options.sections ?? OPENAPI_SECTIONS) {
    addAll(schemas, componentSchemas(section.requestSchemas, "input"), "schema");
    addAll(schemas, componentSchemas(section.responseSchemas, "output"), "schema");
    addAll(paths, section.paths, "path");
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Countersign API",
      version: "1.0.0",
      description:
        "Push support tickets into Countersign and follow them through drafting, human review and delivery. " +
        "Authenticate with `Authorization: Bearer <key>`; admins create keys on the API keys page or with " +
        "`npm run apikey:create`. Every error is JSON: `{ error: { code, message, fields? } }`. Rate limit: " +
        "INGEST_RATE_LIMIT_PER_MINUTE requests a minute per key (default 600), counted by each app instance.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: `An API key (\`cs_...\`). Scopes a key may carry: ${API_KEY_SCOPES.join(", ")}.`,
        },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "authjs.session-token",
          description: "A signed-in Countersign user (the web app).",
        },
      },
    },
  };
}
