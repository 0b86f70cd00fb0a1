import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GET as getOpenApiRoute } from "@/app/api/v1/openapi.json/route";
import { ticketBatchInputSchema, ticketInputSchema, ticketStatusSchema } from "@/lib/ingest/schemas";
import { buildOpenApiDocument } from "./document";

const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"] as const;
const V1 = path.join(process.cwd(), "app", "api", "v1");

/**
 * The published API is the machine API: every route a client can call with an
 * API key must be in the document with exactly its methods, and everything the
 * document names must exist. Session-only routes (the screens' own data) may
 * stay out. Machine routes not published yet are listed here with a reason; an
 * entry whose route no longer exists, or that is now documented, fails the test.
 */
const PENDING: Record<string, string> = {};

/** A route handler that accepts `Authorization: Bearer <key>`. */
const ACCEPTS_API_KEYS = /apiKeys:\s*true|authenticateApiKey|ingestHandlers/;

/** `METHOD /api/v1/path/{param}` for every handler a route.ts under app/api/v1 exports. */
function routeOperations(dir = V1): { op: string; apiKeys: boolean }[] {
  const out: { op: string; apiKeys: boolean }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...routeOperations(full));
    else if (entry.name === "route.ts") {
      const source = readFileSync(full, "utf8");
      const urlPath = `/api/v1/${path.relative(V1, dir).split(path.sep).join("/")}`
        .replace(/\/$/, "")
        .replace(/\[([^\]]+)\]/g, "{$1}");
      const exported = source.matchAll(
        /export\s+(?:async\s+)?(?:function|const)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g,
      );
      const apiKeys = ACCEPTS_API_KEYS.test(source);
      for (const match of exported) out.push({ op: `${match[1]} ${urlPath}`, apiKeys });
    }
  }
  return out.sort((a, b) => a.op.localeCompare(b.op));
}

type Json = Record<string, unknown>;

/** Inlines `#/components/schemas/...` references so a schema stands alone. */
function inline(schema: unknown, components: Record<string, unknown>, depth = 0): unknown {
  if (depth > 20) throw new Error("reference cycle");
  if (Array.isArray(schema)) return schema.map((s) => inline(s, components, depth + 1));
  if (schema === null || typeof schema !== "object") return schema;
  const ref = (schema as Json).$ref;
  if (typeof ref === "string") {
    const target = components[ref.replace("#/components/schemas/", "")];
    if (!target) throw new Error(`unresolved $ref ${ref}`);
    return inline(target, components, depth + 1);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v, components, depth + 1)]));
}

function collectRefs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) collectRefs(v, into);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") into.push(v);
      else collectRefs(v, into);
    }
  }
  return into;
}

describe("the OpenAPI document", () => {
  const doc = buildOpenApiDocument({ serverUrl: "http://countersign.test" });

  it("is a well-formed OpenAPI 3.1 document", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc); // plain JSON, nothing lost in serialisation
    const operationIds = new Set<string>();
    const schemes = Object.keys(doc.components.securitySchemes);
    for (const [urlPath, item] of Object.entries(doc.paths)) {
      expect(urlPath).toMatch(/^\/api\/v1\//);
      const templated = [...urlPath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        expect(METHODS).toContain(method);
        const op = operation as {
          operationId: string;
          responses: Record<string, { description?: string }>;
          parameters?: { name: string; in: string; required?: boolean }[];
          security?: Record<string, unknown>[];
          requestBody?: { content: Record<string, unknown> };
        };
        expect(operationIds.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
        operationIds.add(op.operationId);
        const codes = Object.keys(op.responses);
        expect(codes.some((c) => /^2\d\d$/.test(c))).toBe(true);
        for (const [code, response] of Object.entries(op.responses)) {
          expect(code).toMatch(/^[1-5]\d\d$/);
          expect(response.description).toEqual(expect.any(String));
        }
        const pathParams = (op.parameters ?? []).filter((p) => p.in === "path");
        expect(pathParams.map((p) => p.name).sort()).toEqual([...templated].sort());
        for (const p of pathParams) expect(p.required).toBe(true);
        for (const requirement of op.security ?? []) {
          for (const scheme of Object.keys(requirement)) expect(schemes).toContain(scheme);
        }
        if (op.requestBody) expect(Object.keys(op.requestBody.content)).toEqual(["application/json"]);
      }
    }
  });

  it("resolves every $ref to a component schema", () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas).toHaveProperty(ref.replace("#/components/schemas/", ""));
    }
  });

  it("documents every route that takes API keys, with exactly its methods, and no route that does not exist", () => {
    const routes = routeOperations();
    const all = routes.map((r) => r.op);
    const machine = routes.filter((r) => r.apiKeys).map((r) => r.op);
    expect(machine).toEqual(expect.arrayContaining(["POST /api/v1/tickets", "GET /api/v1/tickets/{id}"]));
    const documented = Object.entries(doc.paths)
      .flatMap(([urlPath, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${urlPath}`))
      .sort();
    expect(
      documented.filter((op) => !all.includes(op)),
      "documented, but no route.ts exports it",
    ).toEqual([]);
    expect(
      machine.filter((op) => !documented.includes(op) && !(op in PENDING)),
      "API-key routes missing from the OpenAPI document: add them to a section in lib/openapi/document.ts",
    ).toEqual([]);
    expect(
      Object.keys(PENDING).filter((op) => !machine.includes(op) || documented.includes(op)),
      "PENDING lists routes that are gone or already documented: remove them",
    ).toEqual([]);
    // The ingest routes are published with exactly the methods their files export.
    for (const urlPath of [
      "/api/v1/tickets",
      "/api/v1/tickets/batch",
      "/api/v1/tickets/{id}",
      "/api/v1/openapi.json",
    ]) {
      const inFiles = all
        .filter((op) => op.endsWith(` ${urlPath}`))
        .map((op) => op.split(" ")[0]?.toLowerCase());
      expect(Object.keys(doc.paths[urlPath] ?? {}).sort(), urlPath).toEqual(inFiles.sort());
    }
  });

  it("describes the same contract as the zod schemas: each component compiles back and judges alike", () => {
    for (const [id, schema] of Object.entries(doc.components.schemas)) {
      expect(() => z.fromJSONSchema(inline(schema, doc.components.schemas) as never), id).not.toThrow();
    }
    const compiled = (id: string) =>
      z.fromJSONSchema(inline(doc.components.schemas[id], doc.components.schemas) as never);
    const ticket = {
      externalId: "ZD-1",
      subject: "Where is my order?",
      body: "Hi",
      from: "ada@example.com",
      channel: "chat",
    };
    const samples: unknown[] = [
      ticket,
      { ...ticket, customerRef: "c@example.com", metadata: { a: [1, { b: null }] } },
      { ...ticket, customerRef: null, metadata: null },
      { ...ticket, channel: "pigeon" },
      { ...ticket, from: "nope" },
      { ...ticket, subject: "s".repeat(301) },
      { ...ticket, body: "b".repeat(50_001) },
      { ...ticket, externalId: " padded " },
      { ...ticket, extra: true },
      { ...ticket, metadata: [1] },
      { subject: "only" },
      "string",
      null,
    ];
    for (const sample of samples) {
      expect(compiled("TicketInput").safeParse(sample).success, JSON.stringify(sample).slice(0, 80)).toBe(
        ticketInputSchema.safeParse(sample).success,
      );
    }
    const batches: unknown[] = [
      { tickets: [ticket] },
      { tickets: [] },
      { tickets: Array.from({ length: 101 }, (_, i) => ({ ...ticket, externalId: `B-${i}` })) },
      { tickets: [{ ...ticket, from: "x" }] },
      [ticket],
    ];
    for (const sample of batches) {
      expect(compiled("TicketBatchInput").safeParse(sample).success).toBe(
        ticketBatchInputSchema.safeParse(sample).success,
      );
    }
    const status = {
      id: "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
      externalId: "ZD-1",
      url: "http://countersign.test/tickets/3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
      status: "awaiting_review",
      subject: "Hi",
      channel: "email",
      createdAt: "2026-11-24T07:00:00.000Z",
      updatedAt: "2026-11-24T07:00:00.000Z",
      actions: [
        {
          id: "4f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
          kind: "reply",
          status: "pending_review",
          payload: { text: "Hello", citations: [{ type: "article", slug: "a" }], model: "offline" },
          blockedBy: null,
          blockedReason: null,
          createdAt: "2026-11-24T07:00:00.000Z",
        },
      ],
      decisions: [],
      delivery: [],
    };
    expect(ticketStatusSchema.safeParse(status).success).toBe(true);
    expect(compiled("TicketStatus").safeParse(status).success).toBe(true);
    expect(compiled("TicketStatus").safeParse({ ...status, status: "lost" }).success).toBe(false);
  });

  it("is served at /api/v1/openapi.json with this server's address", async () => {
    const response = getOpenApiRoute(new Request("https://cs.example.com/api/v1/openapi.json"));
    expect(response.status).toBe(200);
    const served = (await response.json()) as { servers: { url: string }[]; paths: object };
    expect(served.servers).toEqual([{ url: "https://cs.example.com" }]);
    expect(Object.keys(served.paths)).toEqual(Object.keys(doc.paths));
  });
});
